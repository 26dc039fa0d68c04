import { randomBytes } from 'node:crypto';
import { type LatencySummary, latencySummary, OKTA_HEADERS, oktaUser, type Target } from './compare';
import { type PerRequest, perRequest } from './dynamo-proxy';
import { expectStatus } from './http-client';
import { round } from './stats';

/**
 * The Okta-like load mix: `clients` concurrent clients for `seconds`, each picking its next operation
 * by weight — lookups (`userName eq`), assignments (lookup that misses, then POST), updates (GET then
 * PUT of the whole object, as Okta sends it), deactivations (PATCH `active=false` without path) and
 * group pushes (PATCH members remove one + add five, with Okta's rename-with-id op). As Okta does, a
 * user or group is never changed by two requests at once: each client owns its share of the users
 * and of the groups it changes (lookups read anyone). Every answer's status is checked; errors are
 * any other status or a failed connection (goal 0).
 */
export const MIX = [
  { op: 'lookup', weight: 35 },
  { op: 'create', weight: 15 },
  { op: 'update', weight: 15 },
  { op: 'deactivate', weight: 15 },
  { op: 'groupPush', weight: 20 },
] as const;

type MixOp = (typeof MIX)[number]['op'];
/** Request kinds timed (an update is a GET then a PUT; an assignment a lookup then a POST). */
type RequestKind = 'lookup' | 'create' | 'get' | 'put' | 'deactivate' | 'groupPatch';

export interface LoadPhase {
  clients: number;
  seconds: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  requestsPerSecond: number;
  latency: LatencySummary;
  perKind: Record<string, LatencySummary>;
  /** Completed requests in each 1 s bucket from the phase's start. */
  throughputPerSecond: number[];
  db: PerRequest;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const GROUPS = 50;
const PUSH_ADDS = 5;

/** Picks a mix operation from a number in [0, 1): pure, so the weights are testable. */
export function pickOp(r: number): MixOp {
  const total = MIX.reduce((a, m) => a + m.weight, 0);
  let at = r * total;
  for (const m of MIX) {
    if (at < m.weight) return m.op;
    at -= m.weight;
  }
  return MIX[MIX.length - 1].op;
}

/** Requests completed per 1 s bucket (by completion time, ms from the start). Pure. */
export function buckets(completedAtMs: number[], seconds: number): number[] {
  const out = new Array<number>(Math.ceil(seconds)).fill(0);
  for (const at of completedAtMs) {
    const b = Math.floor(at / 1000);
    if (b >= 0 && b < out.length) out[b]++;
  }
  return out;
}

export async function setupLoadGroups(target: Target): Promise<{ id: string; displayName: string }[]> {
  const groups: { id: string; displayName: string }[] = [];
  const tag = randomBytes(3).toString('hex');
  for (let g = 0; g < GROUPS; g++) {
    const displayName = `Load ${tag} ${g}`;
    const response = await target.service.client.send('POST', `/scim/v2/${target.tenant}/Groups`, {
      token: target.token,
      headers: OKTA_HEADERS,
      body: { schemas: [GROUP_SCHEMA], displayName, members: [] },
    });
    expectStatus(response, 201, 'load: create group');
    groups.push({ id: response.json().id, displayName });
  }
  return groups;
}

export async function loadPhase(
  target: Target,
  groups: { id: string; displayName: string }[],
  options: { clients: number; seconds: number; log: (line: string) => void },
): Promise<LoadPhase> {
  const pool = [...target.users];
  if (pool.length < options.clients * 2) throw new Error('load: not enough users created for the mix');
  const members = new Map<string, string[]>(groups.map((g) => [g.id, []]));
  const tag = `l${options.clients}${randomBytes(3).toString('hex')}`;
  const records: { kind: RequestKind; ms: number; doneAt: number }[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let created = 0;
  target.proxy.take();
  const started = performance.now();
  const until = started + options.seconds * 1000;
  const client = target.service.client;
  const base = `/scim/v2/${target.tenant}`;

  const send = async (
    kind: RequestKind,
    method: string,
    path: string,
    expected: number[],
    body?: unknown,
  ) => {
    try {
      const response = await client.send(method, `${base}${path}`, {
        token: target.token,
        headers: OKTA_HEADERS,
        body,
      });
      const doneAt = performance.now() - started;
      if (!expected.includes(response.status)) {
        errors++;
        if (errorSamples.length < 10)
          errorSamples.push(`${kind} ${method} ${path}: ${response.status} ${response.text().slice(0, 200)}`);
        return undefined;
      }
      if (performance.now() <= until + 60_000) records.push({ kind, ms: response.ms, doneAt });
      return response;
    } catch (error) {
      errors++;
      if (errorSamples.length < 10) errorSamples.push(`${kind} ${method} ${path}: ${String(error)}`);
      return undefined;
    }
  };

  const worker = async (c: number) => {
    const mine = pool.filter((_, i) => i % options.clients === c);
    const myGroups = groups.filter((_, i) => i % options.clients === c);
    const any = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
    while (performance.now() < until) {
      let op = pickOp(Math.random());
      if (op === 'groupPush' && myGroups.length === 0) op = 'lookup';
      switch (op) {
        case 'lookup': {
          const u = any(pool);
          await send(
            'lookup',
            'GET',
            `/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}&startIndex=1&count=100`,
            [200],
          );
          break;
        }
        case 'create': {
          const body = oktaUser(tag, created++);
          await send(
            'lookup',
            'GET',
            `/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}&startIndex=1&count=100`,
            [200],
          );
          const response = await send('create', 'POST', '/Users', [201], body);
          if (response) mine.push({ id: response.json().id, userName: body.userName });
          break;
        }
        case 'update': {
          const u = any(mine);
          const got = await send('get', 'GET', `/Users/${u.id}`, [200]);
          if (!got) break;
          const user = got.json();
          user.displayName = `Updated ${Math.floor(Math.random() * 1e6)}`;
          user.groups = [];
          user.password = 'Placeholder-updated-pw!';
          await send('put', 'PUT', `/Users/${u.id}`, [200], user);
          break;
        }
        case 'deactivate': {
          const u = any(mine);
          await send('deactivate', 'PATCH', `/Users/${u.id}`, [200, 204], {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', value: { active: false } }],
          });
          break;
        }
        case 'groupPush': {
          const g = any(myGroups);
          const current = members.get(g.id) ?? [];
          const inGroup = new Set(current);
          const adds: string[] = [];
          for (let tries = 0; adds.length < PUSH_ADDS && tries < 50; tries++) {
            const u = any(pool);
            if (!inGroup.has(u.id) && !adds.includes(u.id)) adds.push(u.id);
          }
          const remove = current.length > 0 ? current[Math.floor(Math.random() * current.length)] : undefined;
          const Operations: unknown[] = [
            { op: 'replace', value: { id: g.id, displayName: g.displayName } },
            ...(remove ? [{ op: 'remove', path: `members[value eq "${remove}"]` }] : []),
            { op: 'add', path: 'members', value: adds.map((value) => ({ value, display: value })) },
          ];
          const response = await send('groupPatch', 'PATCH', `/Groups/${g.id}`, [200, 204], {
            schemas: [PATCH_OP],
            Operations,
          });
          if (response) members.set(g.id, [...current.filter((id) => id !== remove), ...adds]);
          break;
        }
      }
    }
  };

  let lastProgress = started;
  const progress = setInterval(() => {
    const now = performance.now();
    if (now - lastProgress < 4900) return;
    lastProgress = now;
    const s = (now - started) / 1000;
    options.log(
      `  load ${options.clients} clients: ${round(s, 0)} / ${options.seconds} s, ${records.length} requests (${round(records.length / s, 0)}/s), ${errors} errors`,
    );
  }, 1000);
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, c) => worker(c)));
  } finally {
    clearInterval(progress);
  }
  const elapsed = (performance.now() - started) / 1000;
  const kinds = [...new Set(records.map((r) => r.kind))].sort();
  const inWindow = records.filter((r) => r.doneAt <= options.seconds * 1000);
  return {
    clients: options.clients,
    seconds: round(elapsed, 1),
    requests: records.length,
    errors,
    errorSamples,
    requestsPerSecond: round(inWindow.length / options.seconds, 1),
    latency: latencySummary(records.map((r) => r.ms)),
    perKind: Object.fromEntries(
      kinds.map((k) => [k, latencySummary(records.filter((r) => r.kind === k).map((r) => r.ms))]),
    ),
    throughputPerSecond: buckets(
      records.map((r) => r.doneAt),
      options.seconds,
    ),
    db: perRequest(target.proxy.take(), records.length + errors),
  };
}
