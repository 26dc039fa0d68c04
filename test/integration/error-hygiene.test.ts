import { MAX_EXCERPT_LENGTH } from '../../lambdas/scim/excerpt';
import { hasControlCharacters } from '../support/control-characters';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * Error hygiene (issue 9, defect 6): secrets are not cached, no answer may be sniffed into another
 * type, and an error repeats client input only as a short, control-character-free excerpt.
 */
let service: TestService;
let token: string;
let base: string;
const TENANT = 'hygiene';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

beforeAll(async () => {
  service = await startTestService();
  ({ token, scimBaseUrl: base } = await service.createToken(TENANT));
});
afterAll(() => service.stop());

const scim = (method: string, path: string, body?: unknown) =>
  service.scim(method, `${base}${path}`, token, body);

describe('Cache-Control: no-store on answers that carry a token secret', () => {
  test('POST tokens and POST tokens/{id}/renew say no-store; reads of tokens carry no secret', async () => {
    const created = await service.admin('POST', '/no-store/tokens');
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');

    const renewed = await service.admin('POST', `/no-store/tokens/${created.body.id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.token).toMatch(/^scimaws_/);
    expect(renewed.headers.get('cache-control')).toBe('no-store');
  });
});

describe('X-Content-Type-Options: nosniff on every answer', () => {
  test.each<[string, () => Promise<TestResponse>]>([
    ['a SCIM handler answer', () => scim('GET', '/Users')],
    ['a SCIM handler error', () => scim('GET', '/Users/nobody')],
    [
      'a SCIM 204',
      async () => {
        const user = await scim('POST', '/Users', { schemas: [USER], userName: 'nosniff@example.com' });
        return scim('DELETE', `/Users/${user.body.id}`);
      },
    ],
    ['the SCIM 401 Gateway Response', () => service.request('GET', `${base}/Users`)],
    ['the SCIM 404 Gateway Response', () => service.request('GET', '/scim/nothing')],
    ['an admin answer', () => service.admin('GET', `/${TENANT}/tokens`)],
    ['an admin error', () => service.admin('GET', `/${TENANT}/tokens/nope`)],
    ['the admin 401 Gateway Response', () => service.request('GET', `/admin/v1/tenants/${TENANT}/tokens`)],
    ['the admin 404 Gateway Response', () => service.request('GET', '/nothing')],
    ['a local route of the adapter', () => service.request('GET', '/health')],
  ])('%s', async (_what, call) => {
    const response = await call();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

/** The error's text (SCIM detail or admin message): a 4xx, clean, and without the long input. */
function expectCleanError(response: TestResponse, input: string, status = 400): string {
  expect(response.status).toBe(status);
  const text: string = response.body.detail ?? response.body.message;
  expect(typeof text).toBe('string');
  expect(hasControlCharacters(text)).toBe(false);
  expect(text).not.toContain(input);
  expect(text).not.toContain(input.slice(0, MAX_EXCERPT_LENGTH));
  // The message's own words plus at most an excerpt or two of the input.
  expect(text.length).toBeLessThan(400);
  return text;
}

const LONG = 'x'.repeat(5000);
const NASTY = `evil\r\nSet-Cookie: a=b\u0000\u001b[31m${'y'.repeat(200)}`;

describe('SCIM errors repeat at most a short, clean excerpt of the input', () => {
  test.each([
    ['an invalid attribute name in a filter', `bad\u0007name${'y'.repeat(200)} eq "x"`],
    ['a long invalid attribute name in a filter', `${LONG}! eq "x"`],
    ['an unknown operator', `userName ${LONG} "x"`],
    ['an invalid schema URN', `urn:${'s'.repeat(300)}\u0007:userName eq "x"`],
  ])('%s', async (_what, filter) => {
    const response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(response.body.scimType).toBe('invalidFilter');
    expectCleanError(response, filter.length > 100 ? filter.slice(0, 100) : filter);
  });

  test('a filter value with control characters (JSON escapes) that is not a dateTime', async () => {
    const value = `\\r\\n${'z'.repeat(300)}\\u0007`;
    const response = await scim('GET', `/Users?filter=${encodeURIComponent(`meta.created gt "${value}"`)}`);
    const text = expectCleanError(response, 'z'.repeat(100));
    expect(text).toContain('z'.repeat(20));
  });

  test('an unknown PATCH path', async () => {
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'patch-path@example.com' });
    const path = `urn:ietf:params:scim:schemas:core:2.0:User:${'q'.repeat(3000)}`;
    const response = await scim('PATCH', `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path, value: 'x' }],
    });
    expectCleanError(response, 'q'.repeat(100));
  });

  test('an unknown PATCH op', async () => {
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'patch-op@example.com' });
    const response = await scim('PATCH', `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: NASTY, path: 'title', value: 'x' }],
    });
    expectCleanError(response, 'y'.repeat(100));
  });

  test('an unknown key in a no-path PATCH replace', async () => {
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'patch-key@example.com' });
    const key = `urn:ietf:params:scim:schemas:extension:${NASTY}:attr`;
    const response = await scim('PATCH', `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { [key]: 'x' } }],
    });
    expectCleanError(response, NASTY);
  });

  test('an unknown id in the path', async () => {
    const id = `${'i'.repeat(500)}\r\n`;
    const response = await scim('GET', `/Users/${encodeURIComponent(id)}`);
    expectCleanError(response, id, 404);
  });

  test('the userName in the uniqueness message', async () => {
    const userName = `${'u'.repeat(400)}@example.com`;
    expect((await scim('POST', '/Users', { schemas: [USER], userName })).status).toBe(201);
    const again = await scim('POST', '/Users', { schemas: [USER], userName });
    expect(again.body.scimType).toBe('uniqueness');
    const text = expectCleanError(again, userName, 409);
    expect(text).toContain('u'.repeat(20));
  });

  test('an unknown member id in a group', async () => {
    const id = `${'m'.repeat(300)}\u0007`;
    const response = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Hygiene',
      members: [{ value: id }],
    });
    expectCleanError(response, 'm'.repeat(100));
  });

  test('an unknown schema URN and an unknown endpoint', async () => {
    const urn = `urn:${NASTY}`;
    expectCleanError(await scim('GET', `/Schemas/${encodeURIComponent(urn)}`), urn, 404);
    const path = `${'p'.repeat(300)}%0D%0A`;
    expectCleanError(await scim('GET', `/${path}/more`), 'p'.repeat(100), 404);
  });
});

describe('admin errors repeat at most a short, clean excerpt of the input', () => {
  test('unknown settings fields', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `${NASTY}${i}`);
    const response = await service.admin(
      'PUT',
      `/${TENANT}/settings`,
      Object.fromEntries(keys.map((k) => [k, 1])),
    );
    expect(response.status).toBe(400);
    expect(hasControlCharacters(response.body.message)).toBe(false);
    expect(response.body.message).not.toContain('y'.repeat(100));
    expect(response.body.message.length).toBeLessThan(1200);
  });

  test('an invalid custom attribute name', async () => {
    const response = await service.admin('PUT', `/${TENANT}/settings`, {
      customAttributes: [{ name: NASTY }],
    });
    expectCleanError(response, NASTY);
  });

  test('an unknown field in a token status change', async () => {
    const created = await service.createToken('hygiene-fields');
    const response = await service.admin('PATCH', `/hygiene-fields/tokens/${created.id}`, {
      status: 'inactive',
      [NASTY]: true,
    });
    expectCleanError(response, NASTY);
  });

  test('an unknown token id', async () => {
    const id = `${'t'.repeat(300)}\r\n`;
    expectCleanError(await service.admin('GET', `/${TENANT}/tokens/${encodeURIComponent(id)}`), id, 404);
  });

  test('unknown template variables in resolve', async () => {
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'resolve-hygiene@example.com' });
    const template = Array.from({ length: 40 }, (_, i) => `\${${'v'.repeat(60)}${i}}`).join(' ');
    const response = await service.admin('POST', `/${TENANT}/users/${user.body.id}/resolve`, { template });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('and 35 more');
    expect(response.body.message.length).toBeLessThan(600);
  });
});
