/**
 * The local stand-in for the deployed WAF rate-based rules (LOCAL_RATE_LIMIT): one token bucket per
 * key, `perSecond` tokens added each second, holding at most `perSecond` (burst = rate). WAF counts
 * over a sliding window of minutes; a bucket reproduces the observable part — a client that keeps
 * sending faster than the limit gets 429 with Retry-After — without waiting minutes in a test.
 */
export interface LocalRateLimit {
  /** Requests per second per key; also the burst. */
  perSecond: number;
  /** Milliseconds; tests pass a controlled clock. */
  clock?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones are forgotten (a full bucket is the same as no bucket). */
const MAX_BUCKETS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: () => number;

  constructor(
    private readonly perSecond: number,
    clock: () => number = Date.now,
  ) {
    this.clock = clock;
  }

  /** Takes one token from `key`'s bucket: false when it is empty (the request is refused). */
  take(key: string): boolean {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.perSecond, at: now };
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + elapsed * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.forgetFull(now);
    return allowed;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const tokens = bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.perSecond;
      if (tokens >= this.perSecond) this.buckets.delete(key);
    }
  }
}

/**
 * Which bucket a request counts against, like the deployed rules: the SCIM API per tenant path
 * segment (/scim/v2/{tenantId}/...), the admin API per tenant too (/admin/v1/tenants/{tenantId}/...),
 * each API its own buckets (its own web ACL). A request without a tenant segment (the public invite
 * link, an unknown path) counts per client address. (Local routes and the console's files are
 * answered before the adapter asks: they are not counted, as CloudFront serves the console in AWS.)
 */
export function rateLimitKeyOf(pathname: string, clientAddress: string): string {
  const segments = pathname.split('/').filter(Boolean);
  if (segments[0] === 'scim' && segments[1] === 'v2') {
    return segments[2] ? `scim:tenant:${segments[2]}` : `scim:address:${clientAddress}`;
  }
  if (segments[0] === 'admin' && segments[1] === 'v1' && segments[2] === 'tenants' && segments[3]) {
    return `admin:tenant:${segments[3]}`;
  }
  return `admin:address:${clientAddress}`;
}

/**
 * LOCAL_RATE_LIMIT as `npm start` takes it: a positive integer, requests per second per tenant
 * (burst the same). Unset, empty or `0`: off. Anything else is refused at startup.
 */
export function parseLocalRateLimit(value: string | undefined): number | undefined {
  const trimmed = (value ?? '').trim();
  if (trimmed === '' || trimmed === '0') return undefined;
  if (!/^[1-9]\d{0,5}$/.test(trimmed)) {
    throw new Error(
      `LOCAL_RATE_LIMIT must be a positive integer, requests per second per tenant, e.g. 20 (got "${value}")`,
    );
  }
  return Number(trimmed);
}
