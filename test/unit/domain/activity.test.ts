import { ActivityService } from '../../../lambdas/domain/activity';
import { InvalidInputError } from '../../../lambdas/domain/errors';
import { type RequestLogEntry, statsBucketOf, validEntry } from '../../../lambdas/domain/request-log';
import { BatchingRequestLogWriter } from '../../../lambdas/domain/request-log-sinks';
import { TokenService } from '../../../lambdas/domain/token-service';
import { InMemoryRequestLogRepository, InMemoryTokenRepository } from '../../support/in-memory-ports';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

let sequence = 0;
function entry(over: Partial<RequestLogEntry> = {}): RequestLogEntry {
  sequence++;
  return {
    tenantId: 'acme',
    at: minutesAgo(1),
    method: 'GET',
    path: '/scim/v2/acme/Users',
    status: 200,
    scimType: null,
    detail: null,
    resourceType: 'Users',
    resourceId: null,
    tokenId: 't1',
    idp: 'okta',
    userAgent: 'Okta',
    latencyMs: 3,
    requestId: `r${String(sequence).padStart(4, '0')}`,
    ...over,
  };
}

describe('validEntry', () => {
  test('clips the user agent and detail, and cuts the path at the query string', () => {
    const valid = validEntry({
      ...entry(),
      path: '/a?b=c',
      userAgent: 'u'.repeat(1000),
      detail: 'd'.repeat(1000),
    });
    expect(valid?.path).toBe('/a');
    expect(valid?.userAgent?.length).toBe(256);
    expect(valid?.detail?.length).toBe(512);
  });

  test.each([
    ['a missing field', { requestId: undefined }],
    ['a bad tenant', { tenantId: 'A B' }],
    ['a negative latency', { latencyMs: -1 }],
    ['a non-string token id', { tokenId: 5 }],
    ['a relative path', { path: 'Users' }],
  ])('refuses %s', (_what, over) => {
    expect(validEntry({ ...entry(), ...over })).toBeUndefined();
  });
});

describe('ActivityService.health', () => {
  async function setup() {
    const log = new InMemoryRequestLogRepository();
    const tokens = new InMemoryTokenRepository();
    const { token } = await new TokenService(tokens).create(
      { subject: 'admin-sub', requestId: 'req-1' },
      'acme',
      'entra',
    );
    return { log, tokens, token, service: new ActivityService(log, tokens, () => NOW) };
  }

  test('the newest request, success and error (the newer of 4xx and 5xx), the day in buckets, the tokens', async () => {
    const { log, service, token } = await setup();
    const old5xx = entry({ at: minutesAgo(30), status: 503, detail: 'Storage is unavailable' });
    const newer4xx = entry({ at: minutesAgo(10), status: 409, scimType: 'uniqueness', detail: 'taken' });
    const success = entry({ at: minutesAgo(5), status: 201 });
    const last = entry({ at: minutesAgo(2), status: 304 });
    const yesterday = entry({ at: minutesAgo(25 * 60), status: 500 });
    await log.append([old5xx, newer4xx, success, last, yesterday, entry({ tenantId: 'other', status: 500 })]);
    expect(await service.health('acme')).toEqual({
      lastRequest: {
        at: last.at,
        status: 304,
        method: last.method,
        path: last.path,
        idp: last.idp,
        detail: last.detail,
      },
      lastRequestAt: last.at,
      lastSuccessAt: last.at,
      lastError: {
        at: newer4xx.at,
        status: 409,
        scimType: 'uniqueness',
        detail: 'taken',
        method: 'GET',
        path: '/scim/v2/acme/Users',
      },
      last24h: { total: 4, '2xx': 2, '4xx': 1, '5xx': 1 },
      tokens: [{ id: token.id, idp: 'entra', lastUsedAt: null }],
    });
  });

  test('a 5xx newer than the last 4xx is the last error', async () => {
    const { log, service } = await setup();
    await log.append([entry({ at: minutesAgo(9), status: 400 }), entry({ at: minutesAgo(3), status: 502 })]);
    expect((await service.health('acme')).lastError?.status).toBe(502);
  });

  test('the day starts at the bucket that holds now - 24 h (documented "to 5 minutes")', async () => {
    const { log, service } = await setup();
    const edge = new Date(NOW.getTime() - 24 * 60 * 60_000);
    await log.append([
      entry({ at: new Date(Date.parse(statsBucketOf(edge.toISOString())) - 1).toISOString() }),
      entry({ at: statsBucketOf(edge.toISOString()) }),
    ]);
    expect((await service.health('acme')).last24h.total).toBe(1);
  });

  test('a bad tenant id is invalid input', async () => {
    const { service } = await setup();
    await expect(service.health('NOT VALID')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.requests('NOT VALID', { limit: 50 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('BatchingRequestLogWriter', () => {
  afterEach(() => jest.useRealTimers());

  test('writes 25 at once, the rest after the interval, nothing on the request path', async () => {
    jest.useFakeTimers();
    const repository = new InMemoryRequestLogRepository();
    const writer = new BatchingRequestLogWriter(repository, {
      maxEntries: 25,
      intervalMs: 200,
      maxBuffered: 1000,
      onError: jest.fn(),
    });
    for (let i = 0; i < 30; i++) writer.record(entry());
    await Promise.resolve();
    expect(repository.batches).toEqual([25]);
    await jest.advanceTimersByTimeAsync(199);
    expect(repository.batches).toEqual([25]);
    await jest.advanceTimersByTimeAsync(1);
    expect(repository.batches).toEqual([25, 5]);
  });

  test('flush writes what waits; a failed batch is reported, never thrown to the request', async () => {
    const onError = jest.fn();
    const failing = { append: jest.fn().mockRejectedValue(new Error('down')) };
    const writer = new BatchingRequestLogWriter(failing, {
      maxEntries: 25,
      intervalMs: 60_000,
      maxBuffered: 1000,
      onError,
    });
    expect(() => writer.record(entry())).not.toThrow();
    await writer.flush();
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 1);
  });

  test('a slow table keeps at most maxBuffered entries, dropping the oldest', async () => {
    const repository = new InMemoryRequestLogRepository();
    const writer = new BatchingRequestLogWriter(repository, {
      maxEntries: 1000,
      intervalMs: 60_000,
      maxBuffered: 3,
      onError: jest.fn(),
    });
    const entries = Array.from({ length: 5 }, () => entry());
    for (const e of entries) writer.record(e);
    await writer.flush();
    expect(writer.dropped).toBe(2);
    const page = await repository.list('acme', { limit: 10 });
    expect(page.records.map((r) => r.requestId).sort()).toEqual(entries.slice(2).map((e) => e.requestId));
  });
});
