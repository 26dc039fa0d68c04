// Must load before the AWS SDK: silences its NodeVersionSupportWarning on node 20.
import '../local/quiet';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startLocalService } from '../local/service';
import { coldStartBenchmark, writeColdStartReport } from './cold-start';
import { type BenchContext, SCALE, SIZES, TENANTS } from './context';
import { DbCounter } from './db-counter';
import { groupsBenchmark } from './groups-bench';
import { BenchClient, expectStatus } from './http-client';
import { type BenchResults, printAndWrite } from './report';
import { requestLogBenchmark } from './request-log-bench';
import { Seeder } from './seed';
import { round } from './stats';
import { usersBenchmark } from './users-bench';

/**
 * `npm run bench`: DynamoDB Local in memory, the whole service in this process behind the local API
 * Gateway adapter (startLocalService), the tables seeded directly (bench/seed.ts), then measured
 * through HTTP like Okta would. Prints a table and writes docs/benchmarks.md and
 * bench/results/latest.json. BENCH_SCALE=0.1 shrinks every size (to try the script; the report says so).
 */
const TABLE = 'scim-bench';
const SEED_STREAMS = 12;
const OKTA_HEADERS = { 'Accept-Encoding': 'gzip,deflate' };

const startedAt = performance.now();
const startLoad = loadavg()[0];
function log(message: string): void {
  const s = Math.round((performance.now() - startedAt) / 1000);
  console.log(
    `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}`,
  );
}

async function main(): Promise<void> {
  // `npm run bench -- --cold-start`: only the functions' cold start and memory (bench/cold-start.ts).
  if (process.argv.includes('--cold-start')) {
    log('cold start: bundling each function like the deploy, loading each in fresh processes');
    writeColdStartReport(await coldStartBenchmark(log));
    log('cold start: docs/benchmarks.md and bench/results/cold-start.json written');
    return;
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    while (cleanups.length > 0) await Promise.resolve(cleanups.pop()?.()).catch(() => undefined);
  };
  const interrupt = () => {
    console.error('\nInterrupted: stopping the service and DynamoDB Local');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    if (SCALE !== 1) log(`BENCH_SCALE=${SCALE}: every size is scaled ${JSON.stringify(SIZES)}`);
    log('starting DynamoDB Local (in memory)');
    const dynamo = await startDynamoDbLocal();
    cleanups.push(() => dynamo.stop());
    // Before the service: the handlers create their DynamoDB client on first use.
    // The measured service runs without the request log, so its DynamoDB counts are the SCIM
    // requests' own (a background batch would land in a random request's count); the log's cost is
    // measured apart, with and without it (bench/request-log-bench.ts).
    process.env.REQUEST_LOG_SINK ??= 'off';
    const counter = new DbCounter();
    counter.install();
    const adminApiKey = `bench_${randomBytes(16).toString('hex')}`;
    const service = await startLocalService({
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: TABLE,
      adminApiKey,
      port: 0,
    });
    cleanups.push(() => service.stop());
    const client = new BenchClient(service.baseUrl);
    cleanups.push(() => client.close());
    const seeder = new Seeder(dynamo.endpoint, TABLE, SEED_STREAMS);
    cleanups.push(() => seeder.destroy());
    log(`service at ${service.baseUrl}, DynamoDB Local at ${dynamo.endpoint}`);

    const tokens: Record<string, string> = {};
    for (const tenant of Object.values(TENANTS)) {
      const response = await client.send('POST', `/admin/v1/tenants/${tenant}/tokens`, {
        headers: { Authorization: `Bearer ${adminApiKey}` },
      });
      expectStatus(response, 201, `token for ${tenant}`);
      tokens[tenant] = response.json().token;
    }

    const context: BenchContext = {
      seeder,
      log,
      timed: async (tenant, method, path, expected, body) => {
        counter.take();
        const response = await client.send(method, `/scim/v2/${tenant}${path}`, {
          token: tokens[tenant],
          body,
          headers: OKTA_HEADERS,
        });
        const db = counter.take();
        expectStatus(response, expected, `${method} ${path}`);
        return { ms: response.ms, db, response };
      },
    };

    const users = await usersBenchmark(context);
    const groups = await groupsBenchmark(context);
    const requestLog = await requestLogBenchmark(adminApiKey, log);
    const results: BenchResults = {
      date: new Date().toISOString(),
      scale: SCALE,
      sizes: SIZES,
      machine: machine(),
      runtimeSeconds: round((performance.now() - startedAt) / 1000, 0),
      seeding: {
        ...seeder.totals,
        seconds: round(seeder.totals.seconds, 1),
        itemsPerSecond: round(seeder.totals.items / seeder.totals.seconds, 0),
        streams: SEED_STREAMS,
      },
      users,
      groups,
      requestLog,
    };
    log('report');
    printAndWrite(results);
    log(`done in ${results.runtimeSeconds} s`);
  } finally {
    await cleanup();
  }
}

function machine(): BenchResults['machine'] {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr?.split('\n')[0] ?? '';
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 1024 ** 3, 0),
    node: process.version,
    java: java.trim(),
    platform: `${platform()} ${release()}`,
    loadAverage: { start: round(startLoad, 2), end: round(loadavg()[0], 2) },
  };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
