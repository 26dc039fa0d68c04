import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ensureConsoleBuilt } from '../../local/console';
import { freePort } from '../../local/ports';
import { processesLeftUsing, startNpmStart } from './npm-start';

/**
 * `npm start` (in memory) for the console tests, with the HTTP calls a test makes beside the browser:
 * the admin API with the local key, SCIM with a token the console generated, /local/outbox.
 */

export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export interface JsonResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  body: any;
}

export interface ConsoleService {
  origin: string;
  adminKey: string;
  /** The admin API of `tenant` with the local admin key (`path` relative to /admin/v1/tenants/{tenant}). */
  admin(tenant: string, method: string, path: string, body?: unknown): Promise<JsonResponse>;
  /** A SCIM call under the tenant's Target SCIM URL, as an IdP makes it. */
  scim(tenant: string, token: string, method: string, path: string, body?: unknown): Promise<JsonResponse>;
  get(path: string): Promise<JsonResponse>;
  /** Everything `npm start` printed. */
  output(): string;
  /** SIGINT, wait for the exit; resolves to the DynamoDB Local processes left behind (none expected). */
  stop(): Promise<string[]>;
}

/** `npm start` with LOCAL_IN_MEMORY=1 and a fresh admin key on a free port. */
export async function startConsoleService(): Promise<ConsoleService> {
  // npm start builds the console when web/ changed, before /health answers; built here first (once, under
  // its lock, shared by parallel test files) so a slow build does not count against npm start's start-up wait.
  await ensureConsoleBuilt();
  const port = await freePort();
  const adminKey = `browser_admin_${randomBytes(12).toString('hex')}`;
  const started = await startNpmStart(port, { LOCAL_IN_MEMORY: '1', ADMIN_API_KEY: adminKey });
  const origin = `http://127.0.0.1:${port}`;
  // Its DynamoDB Local (java) is found by the port npm start printed, to check none is left after the stop.
  const dynamoPort = await printedDynamoPort(started.output);
  const call = async (url: string, init: RequestInit): Promise<JsonResponse> => {
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, body: text ? parseJson(text) : undefined };
  };
  const json = (headers: Record<string, string>, method: string, body?: unknown): RequestInit => ({
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    origin,
    adminKey,
    admin: (tenant, method, path, body) =>
      call(
        `${origin}/admin/v1/tenants/${tenant}${path}`,
        json({ Authorization: `Bearer ${adminKey}` }, method, body),
      ),
    scim: (tenant, token, method, path, body) =>
      call(
        `${origin}/scim/v2/${tenant}${path}`,
        json({ Authorization: `Bearer ${token}`, 'User-Agent': 'Okta SCIM Client 1.0.0' }, method, body),
      ),
    get: (path) => call(`${origin}${path}`, { method: 'GET' }),
    output: started.output,
    stop: async () => {
      await interrupt(started.child);
      return processesLeftUsing(`DynamoDBLocal.jar -port ${dynamoPort} `);
    },
  };
}

/** The port of npm start's DynamoDB Local, from its banner (printed right after /health answers). */
async function printedDynamoPort(output: () => string): Promise<string> {
  const banner = /DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/;
  for (let i = 0; i < 100 && !banner.test(output()); i++) await new Promise((r) => setTimeout(r, 100));
  const port = banner.exec(output())?.[1];
  if (!port) throw new Error(`npm start printed no DynamoDB Local endpoint: ${output()}`);
  return port;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Ctrl-C, as a developer stops `npm start`, and the wait for its exit. */
function interrupt(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** An Okta-shaped SCIM user (what Okta's SCIM 2.0 app POSTs to /Users). */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [given = 'Test', family = 'User'] = userName.split('@')[0].split('.');
  return {
    schemas: [SCIM_USER],
    userName,
    name: { givenName: capitalise(given), familyName: capitalise(family) },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${capitalise(given)} ${capitalise(family)}`,
    locale: 'en-US',
    externalId: `00u${randomBytes(8).toString('hex')}`,
    groups: [],
    password: randomBytes(12).toString('base64url'),
    active: true,
    ...extra,
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Seeds `count` users through SCIM POST /Bulk, 100 operations a request, `parallel` requests at a
 * time; `userNameOf(i)` names the i-th. An operation the service left unprocessed (503: the request's
 * time budget ran out on a loaded machine, "send it again") goes into a later request; any other
 * answer than 201 fails the seeding.
 */
export async function seedUsersByBulk(
  service: ConsoleService,
  tenant: string,
  token: string,
  count: number,
  userNameOf: (i: number) => string,
  parallel = 2,
): Promise<void> {
  const pending = Array.from({ length: count }, (_, i) => i);
  const failures: unknown[] = [];
  let idleRequests = 0;
  const worker = async (): Promise<void> => {
    while (pending.length > 0 && failures.length === 0 && idleRequests < 5) {
      const batch = pending.splice(0, 100);
      const response = await service.scim(tenant, token, 'POST', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: batch.map((i) => ({
          method: 'POST',
          path: '/Users',
          bulkId: `u${i}`,
          data: oktaUser(userNameOf(i)),
        })),
      });
      if (response.status !== 200) {
        failures.push(response);
        return;
      }
      let created = 0;
      for (const op of response.body.Operations as { bulkId: string; status: string }[]) {
        if (op.status === '201') created++;
        else if (op.status === '503') pending.push(Number(op.bulkId.slice(1)));
        else failures.push(op);
      }
      idleRequests = created === 0 ? idleRequests + 1 : 0;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  expect(failures.slice(0, 3)).toEqual([]);
  expect(pending).toEqual([]);
}
