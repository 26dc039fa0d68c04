import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The Tracer captures SDK clients in Lambda (their calls become X-Ray subsegments) and stays out of
 * the way elsewhere: locally and in tests it is disabled and hands the client back untouched.
 */
const XRAY_MIDDLEWARE = 'XRaySDKInstrumentation';
const hasXrayMiddleware = (client: DynamoDBClient) =>
  client.middlewareStack.identify().some((entry) => entry.startsWith(XRAY_MIDDLEWARE));

function observabilityWith(env: Record<string, string | undefined>) {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    let module: typeof import('../../../lambdas/config/observability') | undefined;
    jest.isolateModules(() => {
      module = require('../../../lambdas/config/observability');
    });
    return module!;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test('outside Lambda there is no tracer, the X-Ray SDK is not loaded, a captured client is the same client', () => {
  const loaded = jest.fn();
  jest.doMock('@aws-lambda-powertools/tracer', () => {
    loaded();
    return jest.requireActual('@aws-lambda-powertools/tracer');
  });
  try {
    const { tracer, captureAwsClient } = observabilityWith({ AWS_EXECUTION_ENV: undefined });
    const client = new DynamoDBClient({ region: 'us-east-1' });

    expect(tracer).toBeUndefined();
    expect(captureAwsClient(client)).toBe(client);
    expect(hasXrayMiddleware(client)).toBe(false);
    expect(loaded).not.toHaveBeenCalled();
  } finally {
    jest.dontMock('@aws-lambda-powertools/tracer');
  }
});

test('in Lambda a captured client gets the X-Ray middleware (each call a subsegment)', () => {
  const { tracer, captureAwsClient } = observabilityWith({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' });
  const client = captureAwsClient(new DynamoDBClient({ region: 'us-east-1' }));

  expect(tracer?.isTracingEnabled()).toBe(true);
  expect(hasXrayMiddleware(client)).toBe(true);
});

test('POWERTOOLS_TRACE_ENABLED=false turns it off in Lambda too', () => {
  const { tracer, captureAwsClient } = observabilityWith({
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  const client = new DynamoDBClient({ region: 'us-east-1' });

  expect(tracer?.isTracingEnabled()).toBe(false);
  expect(hasXrayMiddleware(captureAwsClient(client))).toBe(false);
});

test('the table client of the store is captured through the same helper', () => {
  jest.isolateModules(() => {
    const capture = jest.fn(<T>(client: T) => client);
    jest.doMock('../../../lambdas/config/observability', () => ({ captureAwsClient: capture }));
    const { getDocumentClient } = require('../../../lambdas/store/client');
    getDocumentClient();
    expect(capture).toHaveBeenCalledWith(
      expect.objectContaining({ config: expect.objectContaining({ serviceId: 'DynamoDB' }) }),
    );
  });
});
