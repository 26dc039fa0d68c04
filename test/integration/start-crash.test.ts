import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { processesLeftUsing, startNpmStart } from '../support/npm-start';

/**
 * `npm start` killed with SIGKILL (the whole process tree, DynamoDB Local's java included) in the middle
 * of an Okta import, then started again: the stream poller resumes after its checkpoint, so every
 * invitation of the users written before the crash is still sent, and exactly once.
 *
 * Local SES runs in the test (LOCAL_SES_ENDPOINT), so the mail it captured outlives the crash, behind a
 * proxy that can hold SendEmail calls: the kill comes while invitations are held (never reached SES),
 * and the records written meanwhile are not yet consumed — the situation in which a restart at the
 * stream's end loses them. The local event bus keeps its events on disk (persisted mode), so every
 * user.created event is there exactly once after the restart. (A kill between SES accepting a mail and the invite record being marked sent
 * would send that one again after the lease: the one at-least-once window, docs/operations.md.)
 */
const ADMIN = { Authorization: 'Bearer crash-test-key' };
const USERS = 300;
const TENANT = 'crash';

interface HoldingSes {
  endpoint: string;
  hold(on: boolean): void;
  held(): number;
  server: Server;
}

/** A proxy in front of local SES; while holding, POSTs (SendEmail) get no answer and are never forwarded. */
async function holdingSes(target: string): Promise<HoldingSes> {
  let holding = false;
  let held = 0;
  const server = createServer((req, res) => {
    if (holding && req.method === 'POST') {
      held++;
      req.resume();
      return; // dropped when the sender dies
    }
    const proxied = httpRequest(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(proxied);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${port}`, hold: (on) => (holding = on), held: () => held, server };
}

async function start(dataDir: string, port: number, sesEndpoint: string): Promise<ChildProcess> {
  // Its own process group, so the test can kill the whole tree at once, as a crash or `kill -9 -<pgid>` does.
  const started = await startNpmStart(
    port,
    { LOCAL_DATA_DIR: dataDir, ADMIN_API_KEY: 'crash-test-key', LOCAL_SES_ENDPOINT: sesEndpoint },
    { detached: true },
  );
  outputs.push(started.output);
  return started.child;
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      resolve();
    }
  });
}

const userName = (i: number) => `crash${String(i).padStart(4, '0')}@example.com`;

/** What Okta sends for one user of the import. */
const userBody = (i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: userName(i),
  name: { givenName: `Crash${i}`, familyName: 'Test' },
  emails: [{ value: userName(i), type: 'work', primary: true }],
  active: true,
});

let ses: SesLocal;
let proxy: HoldingSes;
let dataDir: string;
let child: ChildProcess | undefined;
/** What each start printed: shown when the test fails, to tell why. */
const outputs: (() => string)[] = [];

beforeAll(async () => {
  ses = await startSesLocal();
  proxy = await holdingSes(ses.endpoint);
  dataDir = mkdtempSync(join(tmpdir(), 'scim-crash-'));
});
/** Runs the test; when it fails, prints what npm start said (each start), to tell why. */
async function showingOutputOnFailure(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.error(outputs.map((o, i) => `npm start #${i + 1}:\n${o().slice(-4000)}`).join('\n'));
    throw error;
  }
}

afterAll(async () => {
  if (child) await killTree(child, 'SIGKILL');
  proxy.server.closeAllConnections();
  await new Promise((r) => proxy.server.close(r));
  await ses.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test(
  'SIGKILL of npm start mid-import, then a restart and Okta’s retry: every user once, every invitation sent once, every user.created event once, no java left',
  () =>
    showingOutputOnFailure(async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      child = await start(dataDir, port, proxy.endpoint);
      const created = await fetch(`${base}/admin/v1/tenants/${TENANT}/tokens`, {
        method: 'POST',
        headers: ADMIN,
      });
      const { token, scimBaseUrl } = (await created.json()) as { token: string; scimBaseUrl: string };
      const settings = await fetch(`${base}/admin/v1/tenants/${TENANT}/settings`, {
        method: 'PUT',
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ autoInviteUsers: true }),
      });
      expect(settings.status).toBe(200);
      const scim = (method: string, path: string, body?: unknown) =>
        fetch(`${scimBaseUrl}${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

      // Okta's import, 4 requests at a time; invitations are held from user 120 on, the crash comes at 200.
      let next = 0;
      let done = 0;
      let crashed = false;
      const importer = async () => {
        while (!crashed && next < USERS) {
          const i = next++;
          if (done >= 120) proxy.hold(true);
          const response = await scim('POST', '/Users', userBody(i)).catch(() => undefined);
          if (response?.status === 201) done++;
        }
      };
      const crash = (async () => {
        while (done < 200) await new Promise((r) => setTimeout(r, 20));
        // Let the poller reach the held invitations (its delivery then waits on SES), then crash.
        const deadline = Date.now() + 10_000;
        while (proxy.held() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 300));
        crashed = true;
        await killTree(child as ChildProcess, 'SIGKILL');
      })();
      await Promise.all([importer(), importer(), importer(), importer(), crash]);
      expect(await processesLeftUsing(dataDir)).toEqual([]);
      expect(proxy.held()).toBeGreaterThan(0);
      expect(existsSync(join(dataDir, 'stream-checkpoint.json'))).toBe(true);
      expect(JSON.parse(readFileSync(join(dataDir, 'stream-checkpoint.json'), 'utf8')).shards).toBeDefined();
      proxy.hold(false);

      child = await start(dataDir, port, proxy.endpoint);
      // Okta retries every user it has not seen succeed, 4 at a time: look up by userName, create when missing.
      let retry = 0;
      const retrier = async () => {
        for (let i = retry++; i < USERS; i = retry++) {
          const filter = encodeURIComponent(`userName eq "${userName(i)}"`);
          const found = (await (await scim('GET', `/Users?filter=${filter}`)).json()) as {
            totalResults: number;
          };
          if (found.totalResults === 0) expect((await scim('POST', '/Users', userBody(i))).status).toBe(201);
        }
      };
      await Promise.all([retrier(), retrier(), retrier(), retrier()]);

      const listed = (await (await scim('GET', '/Users?count=1000')).json()) as {
        totalResults: number;
        Resources: { id: string; userName: string }[];
      };
      expect(listed.totalResults).toBe(USERS);
      expect(new Set(listed.Resources.map((u) => u.userName)).size).toBe(USERS);

      // Every invitation, once: held ones after their lease (10 s), the unconsumed records after the resume.
      const recipients = async () => {
        const outbox = (await (await fetch(`${base}/local/outbox`)).json()) as {
          messages: { to: string[] }[];
        };
        return outbox.messages.flatMap((m) => m.to);
      };
      const deadline = Date.now() + 60_000;
      while (new Set(await recipients()).size < USERS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 1500)); // a duplicate would show by now
      const sent = await recipients();
      const counts = new Map<string, number>();
      for (const to of sent) counts.set(to, (counts.get(to) ?? 0) + 1);
      const missing = Array.from({ length: USERS }, (_, i) => userName(i)).filter((u) => !counts.has(u));
      const twice = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
      expect({ missing, twice }).toEqual({ missing: [], twice: [] });
      expect(sent).toHaveLength(USERS);

      // Every user.created event, once: none lost with the unconsumed records, none published twice under
      // another eventId (the local bus keeps each eventId once, and keeps them across the crash).
      const events = (await (
        await fetch(`${base}/local/events?tenant=${TENANT}&type=user.created`)
      ).json()) as {
        events: { eventId: string; resource: { id: string } }[];
      };
      const perUser = new Map<string, number>();
      for (const event of events.events)
        perUser.set(event.resource.id, (perUser.get(event.resource.id) ?? 0) + 1);
      const withoutEvent = listed.Resources.filter((u) => !perUser.has(u.id)).map((u) => u.userName);
      const repeated = [...perUser].filter(([, n]) => n > 1).map(([id]) => id);
      expect({ withoutEvent, repeated }).toEqual({ withoutEvent: [], repeated: [] });
      expect(events.events).toHaveLength(USERS);

      await killTree(child, 'SIGTERM');
      child = undefined;
      expect(await processesLeftUsing(dataDir)).toEqual([]);
    }),
  240_000,
);
