import { randomUUID } from 'node:crypto';
import {
  ADMIN_GATEWAY_RESPONSES,
  GATEWAY_RESPONSES,
  RATE_LIMIT_RETRY_AFTER_SECONDS,
} from '../../lambdas/http/routes';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { ADMIN_KEY, startTestService, type TestService } from '../support/service';

/**
 * LOCAL_RATE_LIMIT reproduces the deployed WAF rate-based rules' 429 (issue 12, point 7): per tenant,
 * counted before the authorizer, answered with Retry-After and the API's own error body. The clock is
 * the test's: the buckets refill only when the test says a second has passed.
 */
const PER_SECOND = 2;
const tenant = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe('with LOCAL_RATE_LIMIT', () => {
  let service: TestService;
  let now = 1_000_000;
  beforeAll(async () => {
    service = await startTestService({ rateLimit: { perSecond: PER_SECOND, clock: () => now } });
  });
  afterAll(() => service.stop());

  const users = (t: { scimBaseUrl: string; token: string }) =>
    service.scim('GET', `${t.scimBaseUrl}/Users?count=1`, t.token);

  test('a SCIM tenant over its rate gets 429, Retry-After and the SCIM Error body', async () => {
    const t = await service.createToken(tenant('scim'));

    const within = [await users(t), await users(t)];
    const over = await users(t);

    expect(within.map((r) => r.status)).toEqual([200, 200]);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe(String(RATE_LIMIT_RETRY_AFTER_SECONDS));
    expect(over.headers.get('content-type')).toBe('application/scim+json');
    expect(over.body).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '429',
      detail: GATEWAY_RESPONSES.rateLimited.detail,
    });
  });

  test('another tenant is unaffected while one is limited', async () => {
    const a = await service.createToken(tenant('a'));
    const b = await service.createToken(tenant('b'));
    for (let i = 0; i < PER_SECOND; i++) await users(a);

    const limited = await users(a);
    const other = await users(b);

    expect(limited.status).toBe(429);
    expect(other.status).toBe(200);
  });

  test('requests are counted before the authorizer: refused tokens use the bucket up too', async () => {
    const t = await service.createToken(tenant('preauth'));
    const bad = { ...t, token: 'not-a-token' };

    const refused = [await users(bad), await users(bad)];
    const valid = await users(t);

    expect(refused.map((r) => r.status)).toEqual([401, 401]);
    expect(valid.status).toBe(429);
  });

  test('the bucket refills with time: after a second the tenant is served again', async () => {
    const t = await service.createToken(tenant('refill'));
    for (let i = 0; i < PER_SECOND; i++) await users(t);
    expect((await users(t)).status).toBe(429);

    now += 1000;

    expect((await users(t)).status).toBe(200);
  });

  test('the admin API answers its own body, per tenant', async () => {
    const id = tenant('admin');
    const list = (tenantId: string) => service.admin('GET', `/${tenantId}/tokens`);
    for (let i = 0; i < PER_SECOND; i++) await list(id);

    const over = await list(id);
    const other = await list(tenant('admin-other'));

    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe(String(RATE_LIMIT_RETRY_AFTER_SECONDS));
    expect(over.body).toEqual({
      error: ADMIN_GATEWAY_RESPONSES.rateLimited.error,
      message: ADMIN_GATEWAY_RESPONSES.rateLimited.message,
    });
    expect(other.status).toBe(200);
  });

  test('local routes such as /health are not counted', async () => {
    const answers = await Promise.all(
      Array.from({ length: PER_SECOND + 3 }, () => service.request('GET', '/health')),
    );

    expect(answers.map((r) => r.status)).not.toContain(429);
  });
});

describe('without LOCAL_RATE_LIMIT (the default)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.stop());

  test('no request is refused with 429, however many one tenant sends', async () => {
    const t = await service.createToken(tenant('off'));

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await service.scim('GET', `${t.scimBaseUrl}/Users?count=1`, t.token)).status);
    }
    const admin = await service.request('GET', `/admin/v1/tenants/${tenant('off')}/tokens`, {
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    });

    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(admin.status).toBe(200);
  });
});
