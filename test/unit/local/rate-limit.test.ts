import { parseLocalRateLimit, rateLimitKeyOf, TokenBuckets } from '../../../local/rate-limit';

describe('the local rate limit buckets', () => {
  test('allow a burst of `perSecond` requests, then refuse until time refills a token', () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets(3, () => now);

    const burst = [1, 2, 3, 4].map(() => buckets.take('scim:tenant:a'));
    now += 333; // less than one token (3/s -> one per 333.3 ms)
    const tooSoon = buckets.take('scim:tenant:a');
    now += 1;
    const refilled = buckets.take('scim:tenant:a');

    expect(burst).toEqual([true, true, true, false]);
    expect(tooSoon).toBe(false);
    expect(refilled).toBe(true);
  });

  test('keep one bucket per key: an exhausted tenant leaves another untouched', () => {
    const buckets = new TokenBuckets(1, () => 0);

    buckets.take('scim:tenant:a');

    expect(buckets.take('scim:tenant:a')).toBe(false);
    expect(buckets.take('scim:tenant:b')).toBe(true);
  });

  test('never hold more than the burst, however long a key was idle', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, () => now);
    buckets.take('k');
    now += 3_600_000;

    expect([1, 2, 3].map(() => buckets.take('k'))).toEqual([true, true, false]);
  });
});

describe('the key a request counts against', () => {
  test('is the tenant path segment, per API', () => {
    expect(rateLimitKeyOf('/scim/v2/acme/Users', '1.2.3.4')).toBe('scim:tenant:acme');
    expect(rateLimitKeyOf('/admin/v1/tenants/acme/users', '1.2.3.4')).toBe('admin:tenant:acme');
  });

  test('is the client address without a tenant segment', () => {
    expect(rateLimitKeyOf('/invite/abc', '1.2.3.4')).toBe('admin:address:1.2.3.4');
    expect(rateLimitKeyOf('/scim/v2', '1.2.3.4')).toBe('scim:address:1.2.3.4');
  });
});

describe('LOCAL_RATE_LIMIT', () => {
  test('is a positive integer; unset, empty or 0 is off', () => {
    expect(parseLocalRateLimit('20')).toBe(20);
    expect(parseLocalRateLimit(' 5 ')).toBe(5);
    expect(parseLocalRateLimit(undefined)).toBeUndefined();
    expect(parseLocalRateLimit('')).toBeUndefined();
    expect(parseLocalRateLimit('0')).toBeUndefined();
  });

  test.each(['-1', '2.5', '20/s', 'fast', '01'])('%s is refused, naming the variable', (value) => {
    expect(() => parseLocalRateLimit(value)).toThrow(/LOCAL_RATE_LIMIT/);
  });
});
