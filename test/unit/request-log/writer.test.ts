import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, CloudWatchLogsEvent } from 'aws-lambda';
import { ScimError } from '../../../lambdas/scim/errors';
import { InMemoryRequestLogRepository } from '../../support/in-memory-ports';

/**
 * The writer function against deliveries built the way CloudWatch Logs builds them (gzip, base64)
 * from the lines a SCIM handler really wrote to stdout (REQUEST_LOG_SINK=stdout, as in AWS).
 */
process.env.REQUEST_LOG_SINK = 'stdout';

import { createHttpHandler } from '../../../lambdas/http/handler';
import { createRequestLogWriter, entriesOfDelivery } from '../../../lambdas/request-log/writer';
import { requestLogSink } from '../../../lambdas/store/request-log-sink';

const SECRET = 'scimaws_this-is-the-bearer-secret-0123456789abcdefghijklmno';
const TENANT = 'acme';

const scim = createHttpHandler(
  'scim',
  {
    '/scim/v2/{tenantId}/Users': {
      POST: async () => ({ status: 201, body: { id: 'created-id', userName: 'ada@example.com' } }),
      GET: async () => {
        throw new ScimError(400, 'The filter is not valid', 'invalidFilter');
      },
    },
  },
  { requestLog: requestLogSink() },
);

function event(method: string, query: Record<string, string> | null): APIGatewayProxyEvent {
  return {
    resource: '/scim/v2/{tenantId}/Users',
    path: `/scim/v2/${TENANT}/Users`,
    httpMethod: method,
    headers: {
      Authorization: `Bearer ${SECRET}`,
      'User-Agent': `Okta SCIM Client ${'x'.repeat(400)}`,
      Cookie: 'session=should-not-appear',
      'Content-Type': 'application/scim+json',
    },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: { tenantId: TENANT },
    stageVariables: null,
    body: method === 'POST' ? '{"userName":"ada@example.com"}' : null,
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${method}`,
      authorizer: { tenantId: TENANT, tokenId: 'token-1', idp: 'okta' },
    } as never,
  };
}

/** The lines the handler writes to stdout while `run` runs. */
async function capture(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

function delivery(messages: string[], messageType = 'DATA_MESSAGE'): CloudWatchLogsEvent {
  const document = {
    messageType,
    owner: '123456789012',
    logGroup: '/aws/lambda/scim-users',
    logStream: '2026/12/01/[$LATEST]abc',
    subscriptionFilters: ['RequestLog'],
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: Date.now(), message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(document))).toString('base64') } };
}

describe('the stdout line of a SCIM request', () => {
  test('one JSON line per request, never the Authorization header, a cookie or the query string', async () => {
    const lines = await capture(async () => {
      await scim(event('POST', null));
      await scim(event('GET', { filter: 'emails.value eq "grace@example.com"' }));
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(Object.keys(JSON.parse(line))).toEqual(['requestLog']);
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('Bearer');
      expect(line).not.toContain('should-not-appear');
      expect(line).not.toContain('grace@example.com');
    }
    const [created, refused] = lines.map((l) => JSON.parse(l).requestLog);
    expect(created).toEqual(
      expect.objectContaining({ status: 201, resourceId: 'created-id', tokenId: 'token-1', idp: 'okta' }),
    );
    expect(created.userAgent.length).toBeLessThanOrEqual(256);
    expect(refused).toEqual(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter', path: `/scim/v2/${TENANT}/Users` }),
    );
  });
});

describe('the writer function', () => {
  test('stores the entries of a delivery of the lines the handler wrote', async () => {
    const lines = await capture(async () => {
      await scim(event('POST', null));
      await scim(event('GET', null));
    });
    const repository = new InMemoryRequestLogRepository();
    const warn = jest.fn();
    const outcome = await createRequestLogWriter(repository, warn)(delivery(lines));
    expect(outcome).toEqual({ written: 2, rejected: 0 });
    expect(warn).not.toHaveBeenCalled();
    const page = await repository.list(TENANT, { limit: 10 });
    expect(page.records.map((r) => [r.method, r.status, r.requestId]).sort()).toEqual([
      ['GET', 400, 'req-GET'],
      ['POST', 201, 'req-POST'],
    ]);
    expect(await repository.counts(TENANT, '2000-01-01T00:00:00.000Z')).toEqual({
      total: 2,
      '2xx': 1,
      '4xx': 1,
      '5xx': 0,
    });
  });

  test('a line behind a runtime prefix is read; other log lines and broken entries are counted, not stored', async () => {
    const [line] = await capture(() => scim(event('POST', null)));
    const entry = JSON.parse(line).requestLog;
    const repository = new InMemoryRequestLogRepository();
    const warn = jest.fn();
    const outcome = await createRequestLogWriter(
      repository,
      warn,
    )(
      delivery([
        `2026-12-01T13:00:00.000Z\treq-POST\tINFO\t${line}`,
        '{"level":"INFO","message":"SCIM request refused"}',
        JSON.stringify({ requestLog: { ...entry, tenantId: 'NOT A TENANT' } }),
        JSON.stringify({ requestLog: { ...entry, status: 99 } }),
        JSON.stringify({ requestLog: { ...entry, at: 'yesterday' } }),
        '{"requestLog": {"truncated',
      ]),
    );
    expect(outcome).toEqual({ written: 1, rejected: 5 });
    expect(warn).toHaveBeenCalledWith(expect.any(String), { rejected: 5 });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('NOT A TENANT');
  });

  test('a path carrying a query string is cut at "?", long texts are clipped', async () => {
    const [line] = await capture(() => scim(event('POST', null)));
    const entry = JSON.parse(line).requestLog;
    const { entries } = entriesOfDelivery(
      delivery([
        JSON.stringify({
          requestLog: { ...entry, path: '/scim/v2/acme/Users?filter=x', detail: 'd'.repeat(5000) },
        }),
      ]),
    );
    expect(entries[0].path).toBe('/scim/v2/acme/Users');
    expect(entries[0].detail?.length).toBeLessThanOrEqual(512);
  });

  test("CloudWatch's CONTROL_MESSAGE holds no entries", async () => {
    const repository = new InMemoryRequestLogRepository();
    const outcome = await createRequestLogWriter(
      repository,
      jest.fn(),
    )(delivery(['CWL CONTROL MESSAGE: Checking health of destination'], 'CONTROL_MESSAGE'));
    expect(outcome).toEqual({ written: 0, rejected: 0 });
    expect(repository.batches).toEqual([]);
  });

  test('a failed append fails the invocation, so Lambda delivers the batch again', async () => {
    const [line] = await capture(() => scim(event('POST', null)));
    const failing = { append: jest.fn().mockRejectedValue(new Error('throttled')) };
    await expect(createRequestLogWriter(failing, jest.fn())(delivery([line]))).rejects.toThrow('throttled');
  });
});

describe('the writer function in AWS', () => {
  test('starts with only TABLE_NAME and REQUEST_LOG_RETENTION_DAYS set: no cursor key, no sink setting', () => {
    const saved = { ...process.env };
    try {
      for (const name of ['CURSOR_HMAC_KEY', 'CURSOR_HMAC_SECRET_ARN', 'REQUEST_LOG_SINK'])
        delete process.env[name];
      Object.assign(process.env, { TABLE_NAME: 'scim', REQUEST_LOG_RETENTION_DAYS: '7' });
      jest.isolateModules(() => {
        expect(typeof require('../../../lambdas/request-log/handler').handler).toBe('function');
      });
    } finally {
      process.env = saved;
    }
  });
});
