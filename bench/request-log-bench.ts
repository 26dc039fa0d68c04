import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { BenchClient, expectStatus } from './http-client';
import { median, percentile, ratio, round } from './stats';

const ROOT = join(__dirname, '..');
const TENANT = 'bench-request-log';
const OKTA_HEADERS = { 'Accept-Encoding': 'gzip,deflate' };

const WARMUP = 20;

type Sink = 'direct' | 'off';

interface Service {
  sink: Sink;
  child: ChildProcess;
  client: BenchClient;
  token: string;
}

const summary = (ms: number[]) => ({
  runs: ms.length,
  p50Ms: round(median(ms)),
  p95Ms: round(percentile(ms, 95)),
});

/**
 * Issue 10: "must not slow the SCIM path by more than one asynchronous or batched write (measure the
 * p50 change)". Two copies of the service, each in its own process on one fresh DynamoDB Local, one
 * with the request log written as `npm start` writes it (REQUEST_LOG_SINK=direct: batched in-process
 * every 200 ms or 25 entries), one without (off). Okta's create (POST /Users) and lookup (`userName eq`)
 * alternate between the two, request by request, so drift of the machine hits both alike.
 */
export async function requestLogBenchmark(
  adminApiKey: string,
  log: (message: string) => void,
  /** Requests measured per kind and service. */
  RUNS = 200,
) {
  const services: Service[] = [];
  // A DynamoDB Local of its own: the one the other scenarios seeded holds 100k+ items, which makes
  // DynamoDB Local's own transactions seconds slow and would drown the difference being measured.
  log('request log: starting a second DynamoDB Local (in memory) and two services');
  const dynamo = await startDynamoDbLocal();
  try {
    for (const sink of ['off', 'direct'] as const)
      services.push(await start(sink, dynamo.endpoint, adminApiKey));
    const created = new Map<Sink, string[]>(services.map((s) => [s.sink, []]));
    const create = async (service: Service) => {
      const userName = `rl-${randomUUID()}@example.com`;
      const response = await service.client.send('POST', `/scim/v2/${TENANT}/Users`, {
        token: service.token,
        headers: OKTA_HEADERS,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          name: { givenName: 'Bench', familyName: 'User' },
          emails: [{ value: userName, primary: true }],
        },
      });
      expectStatus(response, 201, `create (${service.sink})`);
      created.get(service.sink)?.push(userName);
      return response.ms;
    };
    const lookup = async (service: Service, userName: string) => {
      const filter = encodeURIComponent(`userName eq "${userName}"`);
      const response = await service.client.send('GET', `/scim/v2/${TENANT}/Users?filter=${filter}`, {
        token: service.token,
        headers: OKTA_HEADERS,
      });
      expectStatus(response, 200, `lookup (${service.sink})`);
      if (response.json().totalResults !== 1) throw new Error(`lookup of ${userName} found nothing`);
      return response.ms;
    };

    log(`request log: ${WARMUP} warm-up and ${RUNS} measured creates and lookups per service, alternating`);
    for (let i = 0; i < WARMUP; i++) for (const s of services) await create(s);
    const creates = new Map<Sink, number[]>(services.map((s) => [s.sink, []]));
    const lookups = new Map<Sink, number[]>(services.map((s) => [s.sink, []]));
    for (let i = 0; i < RUNS; i++) {
      // Alternate which service goes first, so neither always follows the other's background flush.
      for (const s of i % 2 === 0 ? services : [...services].reverse())
        creates.get(s.sink)?.push(await create(s));
    }
    for (let i = 0; i < RUNS; i++) {
      for (const s of i % 2 === 0 ? services : [...services].reverse()) {
        const names = created.get(s.sink) ?? [];
        lookups.get(s.sink)?.push(await lookup(s, names[i % names.length]));
      }
    }

    // The two services are what they claim: one has logged every request, the other none.
    const logged = async (s: Service) => {
      const response = await s.client.send('GET', `/admin/v1/tenants/${TENANT}/health`, {
        headers: { Authorization: `Bearer ${adminApiKey}` },
      });
      expectStatus(response, 200, `health (${s.sink})`);
      return response.json().last24h.total as number;
    };
    await new Promise((r) => setTimeout(r, 500));
    const loggedDirect = await logged(services[1]);
    const loggedOff = await logged(services[0]);
    const result = (sink: Sink) => ({
      create: summary(creates.get(sink) ?? []),
      lookup: summary(lookups.get(sink) ?? []),
    });
    const withLog = result('direct');
    const withoutLog = result('off');
    return {
      runs: RUNS,
      withLog,
      withoutLog,
      createP50ChangeMs: round(withLog.create.p50Ms - withoutLog.create.p50Ms),
      lookupP50ChangeMs: round(withLog.lookup.p50Ms - withoutLog.lookup.p50Ms),
      createP50Ratio: ratio(withLog.create.p50Ms, withoutLog.create.p50Ms),
      lookupP50Ratio: ratio(withLog.lookup.p50Ms, withoutLog.lookup.p50Ms),
      requestsLogged: { direct: loggedDirect, off: loggedOff },
      requestsSent: WARMUP + 2 * RUNS,
    };
  } finally {
    for (const s of services) await stop(s);
    await dynamo.stop();
  }
}

export type RequestLogResults = Awaited<ReturnType<typeof requestLogBenchmark>>;

async function start(sink: Sink, endpoint: string, adminApiKey: string): Promise<Service> {
  const child = spawn(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'bench', 'request-log-service.ts'), endpoint, `scim-bench-request-log-${sink}`, adminApiKey],
    { env: { ...process.env, REQUEST_LOG_SINK: sink }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((l) => l.startsWith('{"baseUrl"'));
      if (line) resolve(JSON.parse(line).baseUrl);
    });
    child.once('exit', (code) => reject(new Error(`the ${sink} service exited (${code}) before listening`)));
  });
  // Keep reading its stdout so the pipe never fills.
  child.stdout?.resume();
  const client = new BenchClient(baseUrl);
  const response = await client.send('POST', `/admin/v1/tenants/${TENANT}/tokens`, {
    headers: { Authorization: `Bearer ${adminApiKey}` },
  });
  expectStatus(response, 201, `token (${sink})`);
  return { sink, child, client, token: response.json().token };
}

async function stop(service: Service): Promise<void> {
  service.client.close();
  if (service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (service.child.exitCode === null) service.child.kill('SIGKILL');
}
