import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { ensureTable } from '../local/table';
import { Seeder } from './seed';
async function main() {
  const ddb = await startDynamoDbLocal();
  try {
    const c = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await ensureTable(c, 'bench');
    for (const streams of [Number(process.argv[2] ?? 12)]) {
      const s = new Seeder(ddb.endpoint, 'bench', streams);
      const t0 = performance.now();
      const users = await s.users('probe', 0, 20000);
      const t1 = performance.now();
      console.log('streams', streams, 'users 20k', ((t1 - t0) / 1000).toFixed(1), 's', s.totals);
      const g = await s.group('probe', 'g', 20000);
      const t2 = performance.now();
      await s.members('probe', g.id, users);
      console.log('edges 20k', ((performance.now() - t2) / 1000).toFixed(1), 's');
      const t3 = performance.now();
      await s.users('probe', 20000, 20000);
      console.log('users 20k more', ((performance.now() - t3) / 1000).toFixed(1), 's');
    }
  } finally { await ddb.stop(); }
}
void main();
