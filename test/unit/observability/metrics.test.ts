import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { apiEvent, captureStdout, emfBlobs, lambdaContext } from './capture';

/**
 * EMF metrics as CloudWatch reads them from stdout: namespace ScimProvisioning, default dimension
 * `service`; Responses4xx/5xx per request (also by tenant) from the HTTP wrapper, the provisioning
 * counts from the stream consumer, one blob per invocation, none when nothing happened.
 */
const onUserChange = jest.fn(async (): Promise<string> => 'setting-off');
const publish = jest.fn(async () => undefined);
jest.mock('../../../lambdas/stream/compose', () => ({
  inviteService: () => ({ onUserChange }),
  memberCounts: () => ({ fold: async () => undefined }),
  changeEvents: () => ({ publisher: { publish }, groupExternalId: async () => 'ext-g1' }),
}));

type Modules = {
  http: typeof import('../../../lambdas/http/handler');
  stream: typeof import('../../../lambdas/stream/handler');
  keys: typeof import('../../../lambdas/store/keys');
  deltas: typeof import('../../../lambdas/store/count-deltas');
};
let m: Modules;

beforeAll(async () => {
  // Outside Lambda the metrics are off unless asked for (lambdas/config/observability.ts).
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_SERVICE_NAME = 'scim-users';
  m = {
    http: await import('../../../lambdas/http/handler'),
    stream: await import('../../../lambdas/stream/handler'),
    keys: await import('../../../lambdas/store/keys'),
    deltas: await import('../../../lambdas/store/count-deltas'),
  };
});
afterAll(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_SERVICE_NAME;
});

/** name -> value of a blob, checked against its _aws directive. */
function valuesOf(blob: Record<string, unknown>): Record<string, unknown> {
  const directive = (blob._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
    .CloudWatchMetrics[0];
  return Object.fromEntries(directive.Metrics.map(({ Name }) => [Name, blob[Name]]));
}
const directiveOf = (blob: Record<string, unknown>) =>
  (blob._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[] })
    .CloudWatchMetrics[0];

const answered = async () => ({ status: 200, body: {} });
const broken = async () => {
  throw new Error('unexpected');
};

describe('the HTTP wrapper', () => {
  const route = '/scim/v2/{tenantId}/Users';
  const scim = () => m.http.createHttpHandler('scim', { [route]: { GET: answered, DELETE: broken } });
  const event = (method: string, path = '/scim/v2/acme/Users', authorizerTenant = 'acme') =>
    apiEvent({
      resource: path.endsWith('/Users') ? route : '/scim/v2/{tenantId}/Nowhere',
      path,
      method,
      tenantId: 'acme',
      authorizer: { tenantId: authorizerTenant, tokenId: 't1', idp: 'okta' },
    });

  test('a 4xx writes Responses4xx=1 and Responses5xx=0, by service and by service + tenantId', async () => {
    const { output } = await captureStdout(() =>
      scim()(event('GET', '/scim/v2/acme/Nowhere'), lambdaContext('r1')),
    );

    const [byService, byTenant, ...more] = emfBlobs(output);
    expect(more).toEqual([]);
    expect(directiveOf(byService)).toMatchObject({
      Namespace: 'ScimProvisioning',
      Dimensions: [['service']],
    });
    expect(byService).toMatchObject({ service: 'scim-users' });
    expect(byService).not.toHaveProperty('tenantId');
    expect(valuesOf(byService)).toEqual({ Responses4xx: 1, Responses5xx: 0 });
    expect(directiveOf(byTenant)).toMatchObject({
      Namespace: 'ScimProvisioning',
      Dimensions: [['service', 'tenantId']],
    });
    expect(byTenant).toMatchObject({ service: 'scim-users', tenantId: 'acme' });
    expect(valuesOf(byTenant)).toEqual({ Responses4xx: 1, Responses5xx: 0 });
  });

  test('a 5xx writes Responses5xx=1', async () => {
    const { result, output } = await captureStdout(() => scim()(event('DELETE'), lambdaContext('r2')));

    expect(result.statusCode).toBe(500);
    expect(valuesOf(emfBlobs(output)[0])).toEqual({ Responses4xx: 0, Responses5xx: 1 });
  });

  test('a success writes both at 0 (their average is the rate)', async () => {
    const { output } = await captureStdout(() => scim()(event('GET'), lambdaContext('r3')));

    expect(valuesOf(emfBlobs(output)[0])).toEqual({ Responses4xx: 0, Responses5xx: 0 });
  });

  test('a request refused before its tenant is known is counted by service only', async () => {
    const { result, output } = await captureStdout(() =>
      scim()(event('GET', '/scim/v2/acme/Users', 'other'), lambdaContext('r4')),
    );

    expect(result.statusCode).toBe(401);
    const [blob, ...more] = emfBlobs(output);
    expect(more).toEqual([]);
    expect(directiveOf(blob).Dimensions).toEqual([['service']]);
    expect(blob).not.toHaveProperty('tenantId');
    expect(valuesOf(blob)).toEqual({ Responses4xx: 1, Responses5xx: 0 });
  });
});

describe('the stream consumer', () => {
  let sequence = 0;
  const record = (item: Record<string, unknown>, old?: Record<string, unknown>): DynamoDBRecord => ({
    eventName: old ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(++sequence),
      NewImage: marshall(item) as never,
      ...(old ? { OldImage: marshall(old) as never } : {}),
    },
  });
  const user = (id: string, overrides: Record<string, unknown> = {}) => ({
    ...m.keys.keys.user('acme', id),
    type: 'user',
    tenantId: 'acme',
    id,
    userName: `${id}@example.com`,
    attributes: { userName: `${id}@example.com`, active: true },
    active: true,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  });
  const deactivated = (id: string) =>
    user(id, { active: false, attributes: { userName: `${id}@example.com`, active: false }, version: 2 });
  const renamed = (id: string) =>
    user(id, { attributes: { userName: `${id}@example.com`, active: true, displayName: 'New' }, version: 2 });
  const delta = (added: string[], removed: string[]) =>
    m.deltas.deltaItem('acme', 'g1', added.length - removed.length, '2026-01-01T00:00:00.000Z', {
      added,
      removed,
    });

  beforeEach(() => {
    onUserChange.mockReset();
    onUserChange.mockResolvedValue('setting-off');
    publish.mockReset();
  });

  test('one blob per batch counts users created, updated, deactivated, member changes and invites', async () => {
    onUserChange
      .mockResolvedValueOnce('sent')
      .mockResolvedValueOnce('undeliverable')
      .mockResolvedValue('not-eligible');
    const batch = [
      record(user('u1')),
      record(user('u2')),
      record(renamed('u1'), user('u1')),
      record(deactivated('u2'), user('u2')),
      record(delta(['u1', 'u2'], ['u3']) as Record<string, unknown>),
    ];

    const { result, output } = await captureStdout(() =>
      m.stream.handler({ Records: batch }, lambdaContext('s1', 'scim-stream')),
    );

    expect(result.batchItemFailures).toEqual([]);
    const blobs = emfBlobs(output);
    expect(blobs).toHaveLength(1);
    expect(directiveOf(blobs[0])).toMatchObject({ Namespace: 'ScimProvisioning', Dimensions: [['service']] });
    expect(valuesOf(blobs[0])).toEqual({
      UsersCreated: 2,
      UsersUpdated: 1,
      UsersDeactivated: 1,
      GroupMemberChanges: 3,
      InvitesSent: 1,
      InvitesFailed: 1,
    });
  });

  test('a failed send counts as InvitesFailed; the record that failed is not counted as created', async () => {
    onUserChange.mockRejectedValueOnce(new Error('SES refused'));

    const { result, output } = await captureStdout(() =>
      m.stream.handler({ Records: [record(user('u7'))] }, lambdaContext('s2', 'scim-stream')),
    );

    expect(result.batchItemFailures).toHaveLength(1);
    expect(valuesOf(emfBlobs(output)[0])).toEqual({ InvitesFailed: 1 });
  });

  test('a batch with nothing to count writes no blob and no warning', async () => {
    const { output } = await captureStdout(() =>
      m.stream.handler({ Records: [] }, lambdaContext('s3', 'scim-stream')),
    );

    expect(emfBlobs(output)).toEqual([]);
    expect(output).not.toContain('No application metrics');
  });
});
