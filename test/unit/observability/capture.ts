import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/**
 * What the code under test wrote to stdout and stderr while `run` ran: Powertools writes its log lines
 * and EMF blobs to stdout, WARN and ERROR log lines to stderr (Lambda sends both to CloudWatch Logs).
 */
export async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  try {
    const result = await run();
    return { result, output: chunks.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The JSON lines of an output (log lines and EMF blobs; anything else is dropped). */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The EMF blobs of an output: the lines with an `_aws` key. */
export const emfBlobs = (output: string) => jsonLines(output).filter((line) => '_aws' in line);

/** The log lines of an output (not EMF). */
export const logLines = (output: string) => jsonLines(output).filter((line) => !('_aws' in line));

export function lambdaContext(requestId: string, functionName = 'scim-tokens'): Context {
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function apiEvent(options: {
  resource: string;
  path: string;
  method?: string;
  tenantId?: string;
  authorizer: Record<string, unknown>;
  headers?: Record<string, string>;
  requestId?: string;
}): APIGatewayProxyEvent {
  return {
    resource: options.resource,
    path: options.path,
    httpMethod: options.method ?? 'GET',
    headers: options.headers ?? {},
    multiValueHeaders: {},
    pathParameters: options.tenantId ? { tenantId: options.tenantId } : null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: options.requestId ?? 'apigw-req-1', authorizer: options.authorizer },
  } as unknown as APIGatewayProxyEvent;
}
