import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { readCheckpoint } from '../../local/stream-checkpoint';
import { type StreamHandler, type StreamPoller, startStreamPoller } from '../../local/stream-poller';
import { ensureTable } from '../../local/table';

/** The local stream poller against DynamoDB Local: where it starts, what its checkpoint keeps. */
const endpoint = process.env.TEST_DYNAMODB_ENDPOINT as string;
let dir: string;
let tableName: string;
let db: DynamoDBClient;
const pollers: StreamPoller[] = [];

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoint,
  });
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'poller-'));
  tableName = `poller-${randomUUID()}`;
  db = new DynamoDBClient({});
  await ensureTable(db, tableName);
});
afterEach(async () => {
  for (const poller of pollers.splice(0)) await poller.stop();
  db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const put = (name: string) =>
  db.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: name }, sk: { S: 'X' }, type: { S: 'user' } },
    }),
  );

/** A poller whose handler records the pk of each record it is given; `failing` pks are reported failed. */
async function poller(options: { checkpointFile?: string; failing?: Set<string> } = {}) {
  const seen: string[] = [];
  const handler: StreamHandler = async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records as DynamoDBRecord[]) {
      const pk = record.dynamodb?.Keys?.pk?.S as string;
      seen.push(pk);
      if (options.failing?.has(pk))
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber as string });
    }
    return { batchItemFailures: failures };
  };
  const started = await startStreamPoller({
    tableName,
    handler: () => handler,
    filter: () => true,
    intervalMs: 50,
    maxRetries: 1,
    checkpointFile: options.checkpointFile,
  });
  pollers.push(started);
  return { seen, poller: started };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 1000));

test('without a checkpoint file, records written before the start are not delivered (the stream’s end)', async () => {
  await put('before');
  const { seen } = await poller();
  await settle();
  await put('after');

  await until(() => seen.includes('after'));
  expect(seen).toEqual(['after']);
});

test('with a checkpoint, a restart delivers what was written while stopped, and nothing twice', async () => {
  const checkpointFile = join(dir, 'stream-checkpoint.json');
  const first = await poller({ checkpointFile });
  await settle();
  await put('a');
  await until(() => first.seen.includes('a'));
  await first.poller.stop();
  pollers.splice(pollers.indexOf(first.poller), 1);

  await put('b');
  await put('c');
  const second = await poller({ checkpointFile });

  await until(() => second.seen.includes('c'));
  await settle();
  expect(second.seen).toEqual(['b', 'c']);
});

test('the first start in persisted mode writes a checkpoint at once, so a crash before any delivery loses nothing', async () => {
  const checkpointFile = join(dir, 'stream-checkpoint.json');
  const first = await poller({ checkpointFile });
  await settle();
  expect(readCheckpoint(checkpointFile)?.streamArn).toContain(tableName);
  // As after a crash: the poller never delivered anything before it went.
  await first.poller.stop();
  pollers.splice(pollers.indexOf(first.poller), 1);

  await put('written-during-the-first-run');
  const second = await poller({ checkpointFile });

  await until(() => second.seen.includes('written-during-the-first-run'));
});

test('a record given up after the retries goes to the on-failure list and the checkpoint moves past it', async () => {
  const checkpointFile = join(dir, 'stream-checkpoint.json');
  const first = await poller({ checkpointFile, failing: new Set(['poison']) });
  await settle();
  await put('poison');
  await until(() => first.poller.failed.length === 1, 15_000);
  expect(first.poller.failed[0].dynamodb?.Keys?.pk?.S).toBe('poison');
  const [position] = Object.values(readCheckpoint(checkpointFile)?.shards ?? {});
  expect(position.after).toBe(first.poller.failed[0].dynamodb?.SequenceNumber);
  await first.poller.stop();
  pollers.splice(pollers.indexOf(first.poller), 1);

  await put('next');
  const second = await poller({ checkpointFile });

  await until(() => second.seen.includes('next'));
  expect(second.seen).toEqual(['next']);
});
