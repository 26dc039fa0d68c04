import { startTestService, type TestService } from '../support/service';

/**
 * Whatever a client sends, the answer is never a 5xx: a deterministic barrage of odd bodies, paths and
 * query strings against every SCIM and admin route (a seeded generator, so a failure reproduces).
 */
let service: TestService;
let token: string;
let base: string;
let userId: string;
let groupId: string;
beforeAll(async () => {
  service = await startTestService();
  const created = await service.createToken('barrage');
  token = created.token;
  base = created.scimBaseUrl;
  const user = await service.scim('POST', `${base}/Users`, token, { userName: 'seed@example.com' });
  userId = user.body.id;
  const group = await service.scim('POST', `${base}/Groups`, token, {
    displayName: 'Seed',
    members: [{ value: userId }],
  });
  groupId = group.body.id;
});
afterAll(() => service.stop());

/** mulberry32: small, seedable, good enough to pick test values. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  true,
  'True',
  0,
  -1,
  1e308,
  '',
  ' ',
  'x'.repeat(5000),
  '\u0000\ud83d\ude00',
  [],
  [null],
  [{}],
  {},
  { value: null },
  { value: { value: {} } },
  [{ value: 'x', primary: 'maybe' }],
  'urn:ietf:params:scim:schemas:core:2.0:User',
];
const NAMES = [
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'emails',
  'emails[type eq "work"].value',
  'members',
  'members[value eq "x"]',
  'displayName',
  'active',
  'id',
  'meta',
  'groups',
  'externalId',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'schemas',
  'password',
  '',
  '[',
  'a.b.c.d',
];
const FILTERS = [
  'userName eq',
  'userName eq "a" and',
  '(userName eq "a"',
  'not userName eq "a"',
  'emails[type eq "work"',
  'members[value eq "x"].display eq "y"',
  'active gt true',
  'meta.created gt "yesterday"',
  'userName co 5',
  'a eq "b" or c eq "d" and e pr',
  '"',
  '\\',
  `userName sw "${'x'.repeat(3000)}"`,
  'x'.repeat(20_000),
  `id eq "${'y'.repeat(3000)}"`,
  '((((((((((((((((((((((((((((((((((((((((((((((((((((userName pr))))))))))))))))))))))))))))))))))))))))))))))))))',
];

test('a seeded barrage of odd requests gets no 5xx', async () => {
  const next = random(20261128);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const oddObject = () => {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(next() * 4); i++) body[pick(NAMES)] = pick(ODD_VALUES);
    return body;
  };
  const failures: string[] = [];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 250; i++) {
    const kind = Math.floor(next() * 6);
    let method = 'GET';
    let path = '';
    let body: unknown;
    if (kind === 0) {
      path = `/Users?filter=${encodeURIComponent(pick(FILTERS))}&startIndex=${pick(['-1', 'x', '1e9', ''])}&count=${pick(['0', '-5', '99999', 'abc'])}`;
    } else if (kind === 1) {
      path = `/Groups?filter=${encodeURIComponent(pick(FILTERS))}&attributes=${encodeURIComponent(pick(NAMES))}&sortBy=${encodeURIComponent(pick(NAMES))}`;
    } else if (kind === 2) {
      method = pick(['POST', 'PUT']);
      path =
        method === 'POST'
          ? pick(['/Users', '/Groups', '/Users/.search', '/Groups/.search'])
          : pick([`/Users/${userId}`, `/Groups/${groupId}`]);
      body = next() < 0.2 ? pick(ODD_VALUES) : oddObject();
    } else if (kind === 3) {
      method = 'PATCH';
      path = pick([`/Users/${userId}`, `/Groups/${groupId}`, '/Users/nope']);
      body = {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
          op: pick(['add', 'Replace', 'remove', 'delete', 7]),
          ...(next() < 0.7 ? { path: pick(NAMES) } : {}),
          ...(next() < 0.8 ? { value: next() < 0.5 ? pick(ODD_VALUES) : oddObject() } : {}),
        })),
      };
    } else if (kind === 4) {
      method = pick(['GET', 'DELETE', 'HEAD', 'OPTIONS']);
      path = pick([
        `/Users/${encodeURIComponent(pick(NAMES))}`,
        `/Groups/%E0%A4%A`,
        `/Schemas/${encodeURIComponent(pick(NAMES))}`,
        '/ResourceTypes/x',
        '/Bulk',
      ]);
    } else {
      method = pick(['PUT', 'PATCH', 'POST']);
      path = pick(['/admin/settings', '/admin/tokens', '/admin/users/x/resolve']);
      body = next() < 0.3 ? pick(ODD_VALUES) : oddObject();
    }
    const url = path.startsWith('/admin/')
      ? `/admin/v1/tenants/barrage${path.slice('/admin'.length)}`
      : `${base}${path}`;
    const response = url.startsWith('/admin/')
      ? await service.request(method, url, {
          headers: { Authorization: 'Bearer test-admin-key', 'Content-Type': 'application/json' },
          rawBody: body === undefined ? undefined : JSON.stringify(body),
        })
      : await service.request(method, url, {
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
          rawBody:
            body === undefined || method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body),
        });
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (response.status >= 500)
      failures.push(
        `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)} -> ${response.status} ${response.text.slice(0, 200)}`,
      );
  }
  expect(failures).toEqual([]);
  // The barrage reached the handlers: successes and several kinds of client error, not one wall of 401s.
  expect(statuses[200] ?? 0).toBeGreaterThan(10);
  expect(Object.keys(statuses).filter((s) => s.startsWith('4')).length).toBeGreaterThanOrEqual(4);
}, 120_000);
