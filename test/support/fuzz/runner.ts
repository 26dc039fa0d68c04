import { Agent } from 'node:http';
import { groupResourceSchema, userResourceSchema } from '../../../lambdas/scim/schemas';
import { schemaViolations } from '../schema-conformance';
import type { TestService } from '../service';
import { ERROR_URN, entraUser, oktaGroup, oktaUser } from './corpus';
import { type FuzzContext, FuzzGenerator, type FuzzRequest } from './generate';
import { seededRandom } from './random';
import { describe, type FuzzAnswer, send } from './send';

export interface FuzzOptions {
  service: TestService;
  seed: number;
  requests: number;
  /** Tenant ids (a fresh table per service, so fixed names keep a run reproducible). */
  tenants?: { a: string; b: string };
  /** Fails (throws) when a tenant's table items break an invariant: the consistency checker. */
  expectConsistent?: (tenantId: string) => Promise<void>;
  /** A line now and then during a long run. */
  progress?: (line: string) => void;
  /** One line per request and answer (FUZZ_LOG=<file> in the test), for reading what a run did. */
  log?: (line: string) => void;
}

export interface FuzzFailure {
  n: number;
  reason: string;
  request: string;
  status?: number;
  answer?: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  /** HTTP status -> how many answers. */
  statuses: Record<string, number>;
  /** mutation kind -> status -> count. */
  kinds: Record<string, Record<string, number>>;
  /** mutation kind -> milliseconds spent on its requests and read-backs (reported, never asserted). */
  kindMs: Record<string, number>;
  /** Writes answered 2xx whose resource was read back and checked. */
  readBacks: number;
  /** Requests the oracle said must be refused (wrong types, over-long values, foreign members). */
  mustRefuse: number;
  failures: FuzzFailure[];
  elapsedMs: number;
  /** The command that replays this run up to a request. */
  replay: (n: number) => string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const excerptOf = (text: string) =>
  text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text;

/**
 * Seeded HTTP fuzzing of one tenant (A) with a second tenant (B) beside it. Each answer is checked:
 * - no status ≥ 500 (not even a 503: DynamoDB Local is up);
 * - every error on a SCIM route is a SCIM Error (its schema, `status` the HTTP status as a string);
 * - a write the oracle says breaks a type (or names tenant B's user) is refused;
 * - after each 2xx write the resource reads back and conforms to its schema (types, multiplicity);
 * - no answer to tenant A's tokens names one of tenant B's ids;
 * and at the end every resource of A conforms, both tenants pass the consistency checker, and B's
 * resources are exactly as before.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const { service, seed, requests } = options;
  const tenants = options.tenants ?? { a: 'fuzz-a', b: 'fuzz-b' };
  const okta = await service.createToken(tenants.a);
  const entra = await service.createToken(tenants.a, 'entra');
  const tokenB = await service.createToken(tenants.b);
  const origin = new URL(okta.scimBaseUrl);
  const baseA = `/scim/v2/${tenants.a}`;
  const baseB = `/scim/v2/${tenants.b}`;

  const create = async (base: string, token: string, resource: string, body: unknown): Promise<string> => {
    const response = await service.scim('POST', `${origin.origin}${base}/${resource}`, token, body);
    if (response.status !== 201) throw new Error(`seeding ${resource}: ${response.status} ${response.text}`);
    return response.body.id;
  };
  const context: FuzzContext = {
    tenantA: tenants.a,
    tenantB: tenants.b,
    oktaTokenA: okta.token,
    entraTokenA: entra.token,
    tokenB: tokenB.token,
    usersA: [],
    groupsA: [],
    usersB: [],
    groupsB: [],
    etags: new Map(),
  };
  for (let i = 0; i < 6; i++)
    context.usersA.push(await create(baseA, okta.token, 'Users', oktaUser(900_000 + i)));
  for (let i = 0; i < 2; i++)
    context.usersA.push(await create(baseA, entra.token, 'Users', entraUser(900_100 + i, context.usersA[0])));
  for (let i = 0; i < 3; i++)
    context.groupsA.push(
      await create(baseA, okta.token, 'Groups', oktaGroup(900_000 + i, context.usersA.slice(i, i + 3))),
    );
  for (let i = 0; i < 4; i++)
    context.usersB.push(await create(baseB, tokenB.token, 'Users', entraUser(800_000 + i)));
  for (let i = 0; i < 2; i++)
    context.groupsB.push(
      await create(baseB, tokenB.token, 'Groups', oktaGroup(800_000 + i, context.usersB.slice(i, i + 2))),
    );
  const idsB = [...context.usersB, ...context.groupsB];

  const get = (path: string, token = okta.token) => service.scim('GET', `${origin.origin}${path}`, token);
  const snapshotB = async () => {
    const parts: unknown[] = [];
    for (const resource of ['Users', 'Groups'])
      parts.push((await get(`${baseB}/${resource}?count=1000`, tokenB.token)).body);
    for (const id of context.groupsB) parts.push((await get(`${baseB}/Groups/${id}`, tokenB.token)).body);
    for (const id of context.usersB) parts.push((await get(`${baseB}/Users/${id}`, tokenB.token)).body);
    return JSON.stringify(parts);
  };
  const beforeB = await snapshotB();

  const schemas = { Users: userResourceSchema(), Groups: groupResourceSchema() };
  const report: FuzzReport = {
    seed,
    requests,
    statuses: {},
    kinds: {},
    kindMs: {},
    readBacks: 0,
    mustRefuse: 0,
    failures: [],
    elapsedMs: 0,
    replay: (n) =>
      `FUZZ_SEED=${seed} FUZZ_REQUESTS=${n} npx jest test/integration/http-fuzz.test.ts -t 'seeded'`,
  };
  const generator = new FuzzGenerator(seededRandom(seed), context);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let current: FuzzRequest | undefined;
  const fail = (reason: string, answer?: FuzzAnswer) => {
    options.progress?.(`fuzz: FAILURE at request ${current?.n ?? 'after the run'}: ${reason}`);
    report.failures.push({
      n: current?.n ?? 0,
      reason,
      request: current ? describe(current) : '(after the run)',
      status: answer?.status,
      answer: answer ? excerptOf(answer.text) : undefined,
    });
  };

  /** A resource of tenant A as the service answers it: conforming, no password, no id of tenant B. */
  const checkResource = (resource: 'Users' | 'Groups', body: unknown, where: string) => {
    if (!isObject(body)) return fail(`${where}: not a JSON object`);
    const problems = schemaViolations(body, schemas[resource]);
    if (problems.length > 0) fail(`${where}: wrongly typed resource stored: ${problems.join('; ')}`);
    if ('password' in body) fail(`${where}: the password is returned`);
    const text = JSON.stringify(body);
    const foreign = idsB.find((id) => text.includes(id));
    if (foreign) fail(`${where}: isolation breach, tenant B's id ${foreign} in tenant A's ${resource}`);
  };

  const readBack = async (resource: 'Users' | 'Groups', id: string, deleted: boolean) => {
    report.readBacks++;
    const stored = await get(`${baseA}/${resource}/${encodeURIComponent(id)}`);
    if (deleted) {
      if (stored.status !== 404) fail(`after a 2xx DELETE the ${resource} ${id} reads back ${stored.status}`);
      return;
    }
    if (stored.status !== 200)
      return fail(
        `after a 2xx write the ${resource} ${id} reads back ${stored.status}: ${excerptOf(stored.text)}`,
      );
    checkResource(resource, stored.body, `read back ${resource}/${id}`);
  };

  const pool = (resource: 'Users' | 'Groups') => (resource === 'Users' ? context.usersA : context.groupsA);

  for (let n = 1; n <= requests; n++) {
    let request: FuzzRequest;
    try {
      request = generator.next(n);
    } catch (error) {
      // A bug of the fuzzer itself: reported (the run fails), and the run goes on.
      current = undefined;
      fail(`the generator failed at request ${n}: ${(error as Error).stack}`);
      continue;
    }
    current = request;
    const requestStarted = Date.now();
    try {
      await fuzzOne(request);
    } catch (error) {
      fail(`the runner failed: ${(error as Error).stack}`);
    } finally {
      report.kindMs[request.kind] = (report.kindMs[request.kind] ?? 0) + Date.now() - requestStarted;
    }
  }
  async function fuzzOne(request: FuzzRequest): Promise<void> {
    const n = request.n;
    if (request.refuse) report.mustRefuse++;
    let answer: FuzzAnswer;
    try {
      answer = await send(origin, agent, request);
    } catch (error) {
      fail(`no answer: ${(error as Error).message}`);
      return;
    }
    options.log?.(
      JSON.stringify({
        n,
        kind: request.kind,
        method: request.method,
        path: request.path.slice(0, 300),
        body: request.body?.subarray(0, 400).toString('utf8'),
        status: answer.status,
        answer: answer.text.slice(0, 300),
      }),
    );
    const etag = answer.headers.etag;
    const answeredId =
      isObject(answer.body) && typeof answer.body.id === 'string' ? answer.body.id : undefined;
    if (typeof etag === 'string' && answeredId && request.path.startsWith(`${baseA}/`))
      context.etags.set(answeredId, etag);
    const status = String(answer.status);
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;
    report.kinds[request.kind] ??= {};
    const kind = report.kinds[request.kind];
    kind[status] = (kind[status] ?? 0) + 1;
    if (n % 500 === 0) {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      options.progress?.(
        `fuzz: ${n}/${requests} requests in ${seconds} s, ${report.failures.length} failures, statuses ${JSON.stringify(report.statuses)}`,
      );
    }

    // The one 5xx allowed: 501 for the root search the service does not offer (RFC 7644 §3.4.3; the
    // golden transcript pins it). Its SCIM Error body is still checked below.
    const rootSearch = answer.status === 501 && /^\/scim\/v2\/[^/]+\/\.search(\?|$)/.test(request.path);
    if (answer.status >= 500 && !rootSearch) {
      fail(
        `status ${answer.status}${answer.headers['retry-after'] ? ` (Retry-After ${answer.headers['retry-after']})` : ''}`,
        answer,
      );
      return;
    }
    const scim = request.path.startsWith('/scim/');
    const parserAnswer = request.parserLimit && answer.status === 431;
    if (scim && answer.status >= 400 && request.method !== 'HEAD' && !parserAnswer) {
      const body = answer.body;
      if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(ERROR_URN)) {
        fail('an error answer on a SCIM route is not a SCIM Error', answer);
      } else if (body.status !== status) {
        fail(
          `the SCIM Error's status ${JSON.stringify(body.status)} is not the HTTP status ${status}`,
          answer,
        );
      }
    }
    if (answer.status >= 300) return;
    if (request.refuse) fail(`wrongly typed write accepted: ${request.refuse}`, answer);
    const foreign = idsB.find((id) => answer.text.includes(id));
    if (foreign) fail(`isolation breach: tenant B's id ${foreign} in an answer to tenant A's token`, answer);
    if (request.path.startsWith(`${baseB}/`) || request.path.startsWith(`${baseB}?`)) {
      fail("isolation breach: tenant A's token answered 2xx on tenant B's path", answer);
    }
    if (!request.path.startsWith(`${baseA}/`)) return;
    const segments = request.path.split('?')[0].split('/');
    const resourceSegment = segments[4];
    if (request.kind === 'bulk' && isObject(answer.body) && Array.isArray(answer.body.Operations)) {
      for (const result of answer.body.Operations) {
        if (
          !isObject(result) ||
          typeof result.location !== 'string' ||
          !String(result.status).startsWith('2')
        )
          continue;
        const match = /\/(Users|Groups)\/([^/?]+)$/.exec(result.location);
        if (!match) continue;
        const resource = match[1] as 'Users' | 'Groups';
        if (result.method === 'POST') pool(resource).push(match[2]);
        await readBack(resource, match[2], result.method === 'DELETE');
      }
      return;
    }
    if (!request.write || (resourceSegment !== 'Users' && resourceSegment !== 'Groups')) return;
    const resource = resourceSegment;
    if (request.method === 'POST' && segments.length === 5) {
      if (!isObject(answer.body) || typeof answer.body.id !== 'string') {
        fail('a 2xx create answered no resource', answer);
        return;
      }
      checkResource(resource, answer.body, 'the create answer');
      pool(resource).push(answer.body.id);
      await readBack(resource, answer.body.id, false);
      return;
    }
    if (segments.length !== 6 || !['PUT', 'PATCH', 'DELETE'].includes(request.method)) return;
    const id = decodeURIComponent(segments[5]);
    if (isObject(answer.body) && 'id' in answer.body)
      checkResource(resource, answer.body, `the ${request.method} answer`);
    if (request.method === 'DELETE') {
      const list = pool(resource);
      if (list.includes(id)) list.splice(list.indexOf(id), 1);
    }
    await readBack(resource, id, request.method === 'DELETE');
  }
  current = undefined;
  agent.destroy();

  // Every resource of tenant A, as listed, conforms; tenant B is untouched; both tables are consistent.
  for (const resource of ['Users', 'Groups'] as const) {
    for (let startIndex = 1; ; startIndex += 1000) {
      const page = await get(`${baseA}/${resource}?startIndex=${startIndex}&count=1000`);
      if (page.status !== 200) {
        fail(`listing tenant A's ${resource} answered ${page.status}`);
        break;
      }
      for (const item of page.body.Resources ?? [])
        checkResource(resource, item, `listed ${resource}/${item?.id}`);
      if (startIndex + 1000 > page.body.totalResults) break;
    }
  }
  const afterB = await snapshotB();
  if (afterB !== beforeB)
    fail(`tenant B changed:\nbefore ${excerptOf(beforeB)}\nafter  ${excerptOf(afterB)}`);
  for (const tenantId of [tenants.a, tenants.b]) {
    try {
      await options.expectConsistent?.(tenantId);
    } catch (error) {
      fail(`tenant ${tenantId} is not consistent: ${(error as Error).message}`);
    }
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The report as lines: the numbers, then each failure with its request and the command to replay it. */
export function formatReport(report: FuzzReport): string {
  const statuses = Object.entries(report.statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const lines = [
    `fuzz seed ${report.seed}: ${report.requests} requests in ${(report.elapsedMs / 1000).toFixed(1)} s; statuses ${statuses}`,
    `  ${report.readBacks} writes read back, ${report.mustRefuse} requests that had to be refused, ${report.failures.length} failures`,
  ];
  for (const [kind, counts] of Object.entries(report.kinds).sort()) {
    const ms = report.kindMs[kind] ?? 0;
    lines.push(
      `  ${kind}: ${Object.entries(counts)
        .map(([s, c]) => `${s}×${c}`)
        .join(' ')} (${(ms / 1000).toFixed(1)} s)`,
    );
  }
  for (const failure of report.failures.slice(0, 20)) {
    lines.push(
      `FAILURE at request ${failure.n}: ${failure.reason}`,
      `  replay: ${report.replay(failure.n)}`,
      `  ${failure.request}`,
      ...(failure.status !== undefined ? [`  answer ${failure.status}: ${failure.answer}`] : []),
    );
  }
  if (report.failures.length > 20) lines.push(`… and ${report.failures.length - 20} more failures`);
  return lines.join('\n');
}
