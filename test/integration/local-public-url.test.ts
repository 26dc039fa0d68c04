import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { ADMIN_KEY, startTestService, type TestService } from '../support/service';

/**
 * `npm start` answers with the public base URL it is told (issue 12, point 7): PUBLIC_BASE_URL, or a
 * trusted tunnel's X-Forwarded-Host/-Proto (TRUST_PROXY=1), else the request's own Host — never the
 * listen address behind a tunnel. Each configuration is its own service, one after the other
 * (PUBLIC_BASE_URL is process-wide, as a function's environment is).
 */
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const TUNNEL = { 'X-Forwarded-Host': 'abc-123.ngrok-free.app', 'X-Forwarded-Proto': 'https' };

/** A token (its Target SCIM URL as the admin API prints it) and a created user, sent with `headers`. */
async function provision(service: TestService, headers: Record<string, string> = {}) {
  const tenantId = `url-${randomUUID().slice(0, 8)}`;
  const issued = await service.request('POST', `/admin/v1/tenants/${tenantId}/tokens`, {
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...headers },
  });
  const created = await service.scim(
    'POST',
    `/scim/v2/${tenantId}/Users`,
    issued.body.token,
    { schemas: [USER], userName: `${tenantId}@example.com` },
    headers,
  );
  expect(created.status).toBe(201);
  return {
    tenantId,
    targetScimUrl: issued.body.scimBaseUrl as string,
    location: created.headers.get('location'),
    metaLocation: created.body.meta.location as string,
    id: created.body.id as string,
  };
}

describe('with PUBLIC_BASE_URL', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ publicBaseUrl: 'https://scim.tunnel.example/dev' });
  });
  afterAll(() => service.stop());

  test('Location, meta.location and the Target SCIM URL use it, whatever the request says', async () => {
    const { tenantId, targetScimUrl, location, metaLocation, id } = await provision(service, TUNNEL);

    const base = `https://scim.tunnel.example/dev/scim/v2/${tenantId}`;
    expect(targetScimUrl).toBe(base);
    expect(location).toBe(`${base}/Users/${id}`);
    expect(metaLocation).toBe(`${base}/Users/${id}`);
  });
});

describe('behind a tunnel with TRUST_PROXY=1', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ trustProxy: true });
  });
  afterAll(() => service.stop());

  test('a tunnelled request gets its own host in Location, meta.location and the Target SCIM URL', async () => {
    const { tenantId, targetScimUrl, location, metaLocation, id } = await provision(service, TUNNEL);

    const base = `https://abc-123.ngrok-free.app/scim/v2/${tenantId}`;
    expect(targetScimUrl).toBe(base);
    expect(location).toBe(`${base}/Users/${id}`);
    expect(metaLocation).toBe(`${base}/Users/${id}`);
  });

  test('the first value of a forwarded list counts; a junk forwarded host is ignored', async () => {
    const listed = await provision(service, {
      'X-Forwarded-Host': 'edge.trycloudflare.com, 10.0.0.7',
      'X-Forwarded-Proto': 'https, http',
    });
    const junk = await provision(service, {
      'X-Forwarded-Host': 'evil.example/x?',
      'X-Forwarded-Proto': 'https',
    });

    expect(listed.location).toMatch(/^https:\/\/edge\.trycloudflare\.com\/scim\/v2\//);
    expect(junk.location).toMatch(
      new RegExp(`^https://${escapeRegExp(new URL(service.baseUrl).host)}/scim/v2/`),
    );
  });
});

describe('without PUBLIC_BASE_URL or TRUST_PROXY', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.stop());

  test('forwarded headers are ignored: the base URL stays the request Host, over http', async () => {
    const { tenantId, targetScimUrl, location, metaLocation } = await provision(service, TUNNEL);

    const base = `${service.baseUrl}/scim/v2/${tenantId}`;
    expect(targetScimUrl).toBe(base);
    expect(location).toMatch(new RegExp(`^${escapeRegExp(base)}/Users/`));
    expect(metaLocation).toMatch(new RegExp(`^${escapeRegExp(base)}/Users/`));
  });

  test("the request's own Host header sets the base URL (not a hard-coded 127.0.0.1)", async () => {
    const tenantId = `host-${randomUUID().slice(0, 8)}`;

    const answer = await rawPost(service.baseUrl, `/admin/v1/tenants/${tenantId}/tokens`, {
      Host: 'scim.lan:8443',
      Authorization: `Bearer ${ADMIN_KEY}`,
    });

    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body).scimBaseUrl).toBe(`http://scim.lan:8443/scim/v2/${tenantId}`);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A POST with a Host header of our choosing (fetch sets Host from the URL). */
function rawPost(base: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
