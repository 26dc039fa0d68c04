import { randomBytes } from 'node:crypto';
import type { CountingProxy, PerRequest } from './dynamo-proxy';
import { perRequest } from './dynamo-proxy';
import { expectStatus } from './http-client';
import type { ServiceProcess } from './service-process';
import { median, percentile, ratio, round, sample } from './stats';

/**
 * The create and lookup workloads that compare two refs: each ref's service in its own child process
 * (bench/service-process.ts) behind its own counting proxy (bench/dynamo-proxy.ts), on the same
 * DynamoDB Local, driven by the same code. Creates: `clients` concurrent clients POST Okta-shaped users
 * until `count` are created. Lookups: Okta's `userName eq`, one at a time, the services alternating
 * request by request.
 */
export interface Target {
  label: string;
  service: ServiceProcess;
  proxy: CountingProxy;
  tenant: string;
  token: string;
  /** Users created so far (what lookups and the load mix use). */
  users: { id: string; userName: string }[];
}

export const OKTA_HEADERS = { 'Accept-Encoding': 'gzip,deflate' };
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Okta's POST /Users body when an admin assigns a user (../shared/CLIENTS.md). */
export function oktaUser(prefix: string, n: number) {
  const givenName = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'][n % 8];
  const familyName = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth'][Math.floor(n / 8) % 6];
  const userName = `${givenName.toLowerCase()}.${familyName.toLowerCase()}.${prefix}.${n}@okta-bench.example.com`;
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName, familyName },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${givenName} ${familyName}`,
    locale: 'en-US',
    externalId: `00u${prefix}${n.toString(36).padStart(6, '0')}`,
    groups: [],
    password: `Placeholder-${n}-pw!`,
    active: true,
  };
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function latencySummary(ms: number[]): LatencySummary {
  return {
    count: ms.length,
    p50Ms: round(median(ms)),
    p95Ms: round(percentile(ms, 95)),
    p99Ms: round(percentile(ms, 99)),
    meanMs: ms.length === 0 ? Number.NaN : round(ms.reduce((a, b) => a + b, 0) / ms.length),
  };
}

export interface CreateRun {
  label: string;
  run: number;
  created: number;
  errors: number;
  errorStatuses: Record<string, number>;
  seconds: number;
  usersPerSecond: number;
  latency: LatencySummary;
  db: PerRequest;
}

export async function createWorkload(
  target: Target,
  options: { count: number; clients: number; run: number; log: (line: string) => void },
): Promise<CreateRun> {
  const prefix = `r${options.run}${randomBytes(3).toString('hex')}`;
  const ms: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let next = 0;
  let done = 0;
  target.proxy.take();
  const started = performance.now();
  let lastProgress = started;
  const progress = setInterval(() => {
    const now = performance.now();
    if (now - lastProgress < 4900) return;
    lastProgress = now;
    options.log(
      `  creates ${target.label} run ${options.run}: ${done} / ${options.count} (${round(done / ((now - started) / 1000), 0)} users/s)`,
    );
  }, 1000);
  const client = async () => {
    for (let n = next++; n < options.count; n = next++) {
      const response = await target.service.client.send('POST', `/scim/v2/${target.tenant}/Users`, {
        token: target.token,
        headers: OKTA_HEADERS,
        body: oktaUser(prefix, n),
      });
      done++;
      if (response.status === 201) {
        ms.push(response.ms);
        const body = response.json();
        target.users.push({ id: body.id, userName: body.userName });
      } else {
        errorStatuses[response.status] = (errorStatuses[response.status] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  const errors = Object.values(errorStatuses).reduce((a, b) => a + b, 0);
  return {
    label: target.label,
    run: options.run,
    created: ms.length,
    errors,
    errorStatuses,
    seconds: round(seconds, 2),
    usersPerSecond: round(ms.length / seconds, 1),
    latency: latencySummary(ms),
    db: perRequest(target.proxy.take(), options.count),
  };
}

export interface LookupRun {
  label: string;
  tenantUsers: number;
  latency: LatencySummary;
  db: PerRequest;
}

/** `userName eq` lookups of each target's own created users, the targets alternating request by request. */
export async function lookupWorkload(
  targets: Target[],
  options: { count: number; warmup: number },
): Promise<LookupRun[]> {
  const lookup = async (target: Target, user: { id: string; userName: string }) => {
    const filter = encodeURIComponent(`userName eq "${user.userName}"`);
    const response = await target.service.client.send(
      'GET',
      `/scim/v2/${target.tenant}/Users?filter=${filter}&startIndex=1&count=100`,
      { token: target.token, headers: OKTA_HEADERS },
    );
    expectStatus(response, 200, `${target.label} lookup`);
    const body = response.json();
    if (body.totalResults !== 1 || body.Resources?.[0]?.id !== user.id)
      throw new Error(
        `${target.label}: lookup of ${user.userName} answered ${response.text().slice(0, 300)}`,
      );
    return response.ms;
  };
  const samples = targets.map((t) => sample(t.users, options.count + options.warmup));
  for (let i = 0; i < options.warmup; i++)
    for (const [k, t] of targets.entries()) await lookup(t, samples[k][i % samples[k].length]);
  const ms = targets.map(() => [] as number[]);
  for (const t of targets) t.proxy.take();
  for (let i = 0; i < options.count; i++) {
    // Which target goes first alternates too.
    const order = i % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse();
    for (const k of order) {
      const s = samples[k];
      ms[k].push(await lookup(targets[k], s[(options.warmup + i) % s.length]));
    }
  }
  return targets.map((t, k) => ({
    label: t.label,
    tenantUsers: t.users.length,
    latency: latencySummary(ms[k]),
    db: perRequest(t.proxy.take(), options.count),
  }));
}

export interface Comparison {
  baseline?: { ref: string; commit: string; subject: string };
  current: { commit: string; subject: string; dirty: boolean };
  createClients: number;
  createsPerRun: number;
  /** Creates per service before the measured runs (absent in results of older runs). */
  createWarmup?: number;
  /** In the order they ran (baseline, current, baseline, current …). */
  creates: CreateRun[];
  lookups: LookupRun[];
  /** Pooled over runs per service: all create runs' users over all their seconds. */
  createRate: Record<string, number>;
  /** current users/s ÷ baseline users/s (pooled), and per alternation round. */
  createRatio?: number;
  createRatioPerRound?: number[];
  /** baseline lookup p50 ÷ current lookup p50 (> 1: current faster). */
  lookupSpeedup?: number;
}

export function compareRuns(
  creates: CreateRun[],
  lookups: LookupRun[],
): Pick<Comparison, 'createRate' | 'createRatio' | 'createRatioPerRound' | 'lookupSpeedup'> {
  const labels = [...new Set(creates.map((c) => c.label))];
  const createRate: Record<string, number> = {};
  for (const label of labels) {
    const runs = creates.filter((c) => c.label === label);
    const users = runs.reduce((a, r) => a + r.created, 0);
    const seconds = runs.reduce((a, r) => a + r.seconds, 0);
    createRate[label] = round(users / seconds, 1);
  }
  if (!labels.includes('baseline')) return { createRate };
  const rounds = [...new Set(creates.map((c) => c.run))].sort((a, b) => a - b);
  const createRatioPerRound = rounds.map((run) => {
    const cur = creates.find((c) => c.run === run && c.label === 'current');
    const base = creates.find((c) => c.run === run && c.label === 'baseline');
    return cur && base ? ratio(cur.usersPerSecond, base.usersPerSecond) : Number.NaN;
  });
  const cur = lookups.find((l) => l.label === 'current');
  const base = lookups.find((l) => l.label === 'baseline');
  return {
    createRate,
    createRatio: ratio(createRate.current, createRate.baseline),
    createRatioPerRound,
    lookupSpeedup: cur && base ? ratio(base.latency.p50Ms, cur.latency.p50Ms) : undefined,
  };
}
