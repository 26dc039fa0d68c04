// Must load before the AWS SDK: silences its NodeVersionSupportWarning on node 20.
import '../local/quiet';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { localDynamoDbClient, startDynamoDbLocal } from '../local/dynamodb-local';
import { startLocalService } from '../local/service';
import { ensureTable } from '../local/table';
import { ArgsError, type BenchOptions, parseArgs, sizesFor, USAGE } from './args';
import { addBaselineWorktree, currentCommit } from './baseline';
import { coldStartBenchmark, writeColdStartReport } from './cold-start';
import {
  type Comparison,
  type CreateRun,
  compareRuns,
  createWorkload,
  lookupWorkload,
  type Target,
} from './compare';
import { type BenchContext, configureSizes, SIZES, TENANTS } from './context';
import { DbCounter } from './db-counter';
import { startCountingProxy } from './dynamo-proxy';
import { groupsBenchmark } from './groups-bench';
import { BenchClient, expectStatus } from './http-client';
import { type LoadPhase, loadPhase, setupLoadGroups } from './load-bench';
import { type BenchResults, writeReport } from './report';
import { requestLogBenchmark } from './request-log-bench';
import { Seeder } from './seed';
import { startServiceProcess } from './service-process';
import { round } from './stats';
import { usersBenchmark } from './users-bench';

/**
 * `npm run bench [-- flags]` (bench/args.ts USAGE): one command, its own stack.
 * 1. DynamoDB Local in memory.
 * 2. Creates and lookups: the current code (and with `--baseline <ref>` that ref, from a temporary
 *    git worktree) each as a local service in a child process behind a counting DynamoDB proxy, on the
 *    same DynamoDB Local, the create runs alternating baseline / current (bench/compare.ts).
 * 3. The Okta-like load mix at 10 and 25 clients against the current service (bench/load-bench.ts).
 * 4. The seeded scenarios against the service in this process (DynamoDB counted by bench/db-counter.ts):
 *    lookups at three tenant sizes, import paging, member PATCH, GET without members, replace, the
 *    big group GET (bench/users-bench.ts, bench/groups-bench.ts); seeding straight into the table.
 * 5. (default mode) the request log on/off comparison (bench/request-log-bench.ts).
 * Then bench/results/<timestamp>.json, bench/charts/*.svg and bench/REPORT.md; the last line printed
 * is the headline ratios.
 */
const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const TABLE = 'scim-bench';
const SEED_STREAMS = 12;
const OKTA_HEADERS = { 'Accept-Encoding': 'gzip,deflate' };
const COMPARE_TENANT = 'bench-creates';
/**
 * Creates per service before the measured runs (quick: 500 each, so the shared JVM sees 1,000).
 * DynamoDB Local is a JVM: its first few thousand transactions run before the JIT has compiled them
 * (measured: 12 ms of its CPU per create over the first 2,000, 4 to 6 ms after), so a short warm-up
 * made whichever ref ran first look slow.
 */
const CREATE_WARMUP = { default: 1_000, quick: 500 } as const;
const LOOKUP_WARMUP = 20;

const startedAt = performance.now();
const startLoad = loadavg()[0];
function log(message: string): void {
  const s = Math.round((performance.now() - startedAt) / 1000);
  console.log(
    `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}`,
  );
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.render) {
    const results = JSON.parse(readFileSync(options.render, 'utf8')) as BenchResults;
    const written = writeReport(results);
    log(`report: ${written.report} re-rendered from ${options.render}`);
    console.log(written.headline);
    return;
  }
  // `npm run bench -- --cold-start`: only the functions' cold start and memory (bench/cold-start.ts).
  if (options.coldStart) {
    log('cold start: bundling each function like the deploy, loading each in fresh processes');
    writeColdStartReport(await coldStartBenchmark(log));
    log('cold start: docs/benchmarks.md and bench/results/cold-start.json written');
    return;
  }
  configureSizes(sizesFor(options));
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    while (cleanups.length > 0) await Promise.resolve(cleanups.pop()?.()).catch(() => undefined);
  };
  const interrupt = () => {
    console.error('\nInterrupted: stopping the services, DynamoDB Local, removing the baseline worktree');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = round((now - phaseStart) / 1000, 1);
    phaseStart = now;
  };

  try {
    log(
      `mode ${options.mode}${options.scale !== 1 ? `, scale ${options.scale}` : ''}${options.baseline ? `, baseline ${options.baseline}` : ''}; sizes ${JSON.stringify(SIZES)}`,
    );
    log('starting DynamoDB Local (in memory)');
    const dynamo = await startDynamoDbLocal();
    cleanups.push(() => dynamo.stop());
    const adminApiKey = `bench_${randomBytes(16).toString('hex')}`;
    phase('start');

    // ── 2. creates and lookups, current (and baseline) as child processes ──────────────────────
    let baseline: ReturnType<typeof addBaselineWorktree> | undefined;
    try {
      baseline = options.baseline ? addBaselineWorktree(ROOT, options.baseline) : undefined;
    } catch (error) {
      // The default reference may be missing (a shallow clone): the run goes on without it.
      if (!options.baselineIsDefault) throw error;
      log(`no baseline: ${(error as Error).message}`);
    }
    if (baseline) {
      cleanups.push(() => baseline.remove());
      log(
        `baseline worktree of ${baseline.ref} (${baseline.commit.slice(0, 10)} "${baseline.subject}") at ${baseline.dir}`,
      );
    }
    const startTarget = async (label: string, root: string): Promise<Target> => {
      const proxy = await startCountingProxy(dynamo.endpoint);
      cleanups.push(() => proxy.stop());
      // Made here, the same for every ref, before the ref's service opens it: without a stream (none
      // of them runs the consumer), since DynamoDB Local's streams make each write slower the more
      // stream records it holds: the runs measured later would pay for the earlier ones (local/table.ts).
      await createTableWithoutStream(dynamo.endpoint, `scim-bench-${label}`);
      log(`starting the ${label} service (child process, its own counting DynamoDB proxy)`);
      const service = await startServiceProcess({
        label,
        root,
        tsx: TSX,
        dynamoDbEndpoint: proxy.endpoint,
        tableName: `scim-bench-${label}`,
        adminApiKey,
      });
      cleanups.push(() => service.stop());
      return {
        label,
        service,
        proxy,
        tenant: COMPARE_TENANT,
        token: await service.token(COMPARE_TENANT),
        users: [],
      };
    };
    const current = await startTarget('current', ROOT);
    const base = baseline ? await startTarget('baseline', baseline.dir) : undefined;
    const targets = base ? [base, current] : [current];
    log(
      `creates: ${CREATE_WARMUP[options.mode]} warm-up per service, then ${options.createRuns} runs of ${options.creates} by ${options.createClients} clients per service, alternating`,
    );
    for (const t of targets)
      await createWorkload(t, {
        count: CREATE_WARMUP[options.mode],
        clients: options.createClients,
        run: 0,
        log,
      });
    const creates: CreateRun[] = [];
    for (let run = 1; run <= options.createRuns; run++) {
      for (const t of targets) {
        const result = await createWorkload(t, {
          count: options.creates,
          clients: options.createClients,
          run,
          log,
        });
        creates.push(result);
        log(
          `  ${t.label} run ${run}: ${result.usersPerSecond} users/s, p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms, ${result.errors} errors, ${result.db.roundTrips} DynamoDB round trips per create`,
        );
      }
    }
    phase('creates');
    log(`lookups: ${SIZES.lookups} per service (${LOOKUP_WARMUP} warm-up), alternating request by request`);
    const lookups = await lookupWorkload(targets, { count: SIZES.lookups, warmup: LOOKUP_WARMUP });
    for (const l of lookups)
      log(
        `  ${l.label}: p50 ${l.latency.p50Ms} ms, p95 ${l.latency.p95Ms} ms, ${l.db.roundTrips} round trips`,
      );
    phase('lookups vs baseline');
    if (base) {
      await base.service.stop();
      baseline?.remove();
    }
    const comparison: Comparison = {
      baseline: baseline
        ? { ref: baseline.ref, commit: baseline.commit, subject: baseline.subject }
        : undefined,
      current: currentCommit(ROOT),
      createClients: options.createClients,
      createsPerRun: options.creates,
      createWarmup: CREATE_WARMUP[options.mode],
      creates,
      lookups,
      ...compareRuns(creates, lookups),
    };

    // ── 3. the load mix against the current service ──────────────────────────────────────────
    const groups = await setupLoadGroups(current);
    const load: LoadPhase[] = [];
    for (const clients of options.loadClients) {
      log(`load mix: ${clients} clients for ${options.loadSeconds} s`);
      const result = await loadPhase(current, groups, { clients, seconds: options.loadSeconds, log });
      load.push(result);
      log(
        `  ${result.requests} requests, ${result.requestsPerSecond}/s, p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, ${result.errors} errors`,
      );
    }
    await current.service.stop();
    phase('load');

    // ── 4. the seeded scenarios, the service in this process ─────────────────────────────────
    // Before the service: the handlers create their DynamoDB client on first use.
    // The measured service runs without the request log, so its DynamoDB counts are the SCIM
    // requests' own (a background batch would land in a random request's count).
    process.env.REQUEST_LOG_SINK ??= 'off';
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    // A fresh DynamoDB Local for the seeded scenarios: the one the creates and the load mix filled
    // (tables with streams, tens of thousands of writes) slowed seeding from thousands of items/s
    // to tens, and would skew every latency measured after it.
    await dynamo.stop();
    log('starting a fresh DynamoDB Local (in memory) for the seeded scenarios');
    const seededDynamo = await startDynamoDbLocal();
    cleanups.push(() => seededDynamo.stop());
    const counter = new DbCounter();
    counter.install();
    const service = await startLocalService({
      dynamoDbEndpoint: seededDynamo.endpoint,
      tableName: TABLE,
      adminApiKey,
      port: 0,
    });
    cleanups.push(() => service.stop());
    const client = new BenchClient(service.baseUrl);
    cleanups.push(() => client.close());
    const seeder = new Seeder(seededDynamo.endpoint, TABLE, SEED_STREAMS);
    cleanups.push(() => seeder.destroy());
    log(`in-process service at ${service.baseUrl}, DynamoDB Local at ${seededDynamo.endpoint}`);

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
    phase('users (seeded)');
    const groupsResults = await groupsBenchmark(context);
    phase('groups (seeded)');
    const requestLog = options.requestLog
      ? await requestLogBenchmark(adminApiKey, log, options.mode === 'quick' ? 50 : 200)
      : undefined;
    if (requestLog) phase('request log');
    const results: BenchResults = {
      date: new Date().toISOString(),
      mode: options.mode,
      options,
      scale: options.scale,
      sizes: { ...SIZES },
      machine: machine(),
      runtimeSeconds: round((performance.now() - startedAt) / 1000, 0),
      phases,
      seeding: {
        ...seeder.totals,
        seconds: round(seeder.totals.seconds, 1),
        itemsPerSecond: round(seeder.totals.items / seeder.totals.seconds, 0),
        streams: SEED_STREAMS,
      },
      users,
      groups: groupsResults,
      comparison,
      load,
      requestLog,
    };
    const written = writeReport(results);
    log(`report: ${written.report}, ${written.json}, charts in bench/charts/`);
    log(`done in ${results.runtimeSeconds} s`);
    await cleanup();
    console.log(written.headline);
  } finally {
    await cleanup();
  }
}

async function createTableWithoutStream(endpoint: string, tableName: string): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  try {
    await ensureTable(client, tableName, undefined, { stream: false });
  } finally {
    client.destroy();
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
