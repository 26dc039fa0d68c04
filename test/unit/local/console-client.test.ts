import { AdminApi, ApiError, errorMessage, fieldErrors } from '../../../web/src/api';
import { timeAgo } from '../../../web/src/format';
import { idpName } from '../../../web/src/idps';
import { HREF, parseRoute } from '../../../web/src/routing';

/** The console's own logic that needs no browser: routes, the API client's errors, formatting. */

describe('hash routes', () => {
  test('each page has a route, and every link the console makes parses back to its page', () => {
    expect(parseRoute(HREF.provisioning)).toEqual({ page: 'provisioning' });
    expect(parseRoute(HREF.settings)).toEqual({ page: 'settings' });
    expect(parseRoute(HREF.users)).toEqual({ page: 'users' });
    expect(parseRoute(HREF.user('a/b c'))).toEqual({ page: 'user', id: 'a/b c' });
    expect(parseRoute(HREF.groups)).toEqual({ page: 'groups' });
    expect(parseRoute(HREF.group('g1'))).toEqual({ page: 'group', id: 'g1' });
    expect(parseRoute(HREF.log)).toEqual({ page: 'log' });
  });

  test('an empty or unknown hash is User Provisioning', () => {
    expect(parseRoute('')).toEqual({ page: 'provisioning' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'provisioning' });
  });
});

describe('the admin API client', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });
  function answering(status: number, body: unknown) {
    const calls: { url: string; init: RequestInit }[] = [];
    global.fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(body), { status });
    }) as typeof fetch;
    return calls;
  }

  test('sends the session authorization to the tenant path, with the query of a listing', async () => {
    const calls = answering(200, { users: [], nextCursor: null });
    const api = new AdminApi('', 'acme', async () => 'Bearer k');
    await api.listUsers({ search: 'ada', cursor: null, limit: 25 });
    expect(calls[0].url).toBe('/admin/v1/tenants/acme/users?search=ada&limit=25');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer k');
  });

  test("a 400's fields become one message per path, for the inline errors", async () => {
    answering(400, {
      error: 'bad_request',
      message: 'Invalid settings',
      fields: [
        { path: 'customAttributes[0].name', message: 'must start with a letter' },
        { path: 'inviteEmail.subject', message: 'must not be empty' },
      ],
    });
    const api = new AdminApi('', 'acme', async () => 'Bearer k');
    const error = await api.putSettings({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(fieldErrors(error)).toEqual({
      'customAttributes[0].name': 'must start with a letter',
      'inviteEmail.subject': 'must not be empty',
    });
    expect(errorMessage(error)).toBe('Invalid settings (400)');
  });

  test('the Target SCIM URL before a token: the configured SCIM API, else unknown when the API is elsewhere', () => {
    const configured = new AdminApi(
      'https://admin.example.com/prod',
      'acme',
      async () => '',
      () => undefined,
      'https://scim.example.com/prod/',
    );
    expect(configured.scimBaseUrl()).toBe('https://scim.example.com/prod/scim/v2/acme');
    expect(new AdminApi('https://admin.example.com/prod', 'acme', async () => '').scimBaseUrl()).toBeNull();
  });

  test('a 401 tells the session, so the console returns to sign-in', async () => {
    answering(401, { error: 'unauthorized', message: 'Sign in' });
    let signedOut = false;
    const api = new AdminApi(
      '',
      'acme',
      async () => 'Bearer old',
      () => {
        signedOut = true;
      },
    );
    await expect(api.listTokens()).rejects.toThrow('Sign in');
    expect(signedOut).toBe(true);
  });
});

describe('formatting', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  test('the health line says how long ago', () => {
    expect(timeAgo('2026-12-01T11:58:00Z', now)).toBe('2 minutes ago');
    expect(timeAgo('2026-12-01T11:59:50Z', now)).toBe('just now');
    expect(timeAgo('2026-11-30T12:00:00Z', now)).toBe('1 day ago');
    expect(timeAgo(null, now)).toBe('never');
  });

  test('IdP ids read as their product names', () => {
    expect(idpName('okta')).toBe('Okta');
    expect(idpName('entra')).toBe('Microsoft Entra ID');
    expect(idpName('generic')).toBe('Generic SCIM 2.0');
  });
});
