import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createHttpHandler } from '../../../lambdas/http/handler';
import { JsonStream } from '../../../lambdas/http/json-stream';
import {
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  toApiGatewayResult,
} from '../../../lambdas/http/response';

const big = { data: 'x'.repeat(5000) };

describe('toApiGatewayResult', () => {
  test('gzip when the client accepts it and the body is large', async () => {
    const result = await toApiGatewayResult(
      { status: 200, body: big },
      'application/scim+json',
      'gzip,deflate',
    );
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers?.['Content-Encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(result.body, 'base64')).toString())).toEqual(big);
  });

  test('plain JSON when gzip is not accepted (or refused with q=0)', async () => {
    for (const accept of [undefined, 'identity', 'gzip;q=0']) {
      const result = await toApiGatewayResult({ status: 200, body: big }, 'application/scim+json', accept);
      expect(result.isBase64Encoded).toBeFalsy();
      expect(JSON.parse(result.body)).toEqual(big);
    }
  });

  test('a streamed body is assembled, compressed or not', async () => {
    const stream = () =>
      new JsonStream(async function* () {
        yield '{"members":[';
        for (let i = 0; i < 1000; i++) yield `${i ? ',' : ''}{"value":"${i}"}`;
        yield ']}';
      });
    const plain = await toApiGatewayResult(
      { status: 200, body: stream() },
      'application/scim+json',
      undefined,
    );
    expect(JSON.parse(plain.body).members).toHaveLength(1000);
    const zipped = await toApiGatewayResult({ status: 200, body: stream() }, 'application/scim+json', 'gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(zipped.body, 'base64')).toString()).members).toHaveLength(1000);
    expect(zipped.headers?.['Content-Type']).toBe('application/scim+json');
  });

  test('no body means an empty body without a Content-Type', async () => {
    const result = await toApiGatewayResult({ status: 204 }, 'application/scim+json', 'gzip');
    expect(result).toEqual({ statusCode: 204, headers: { 'X-Content-Type-Options': 'nosniff' }, body: '' });
  });

  test("every answer says X-Content-Type-Options: nosniff, the handler's own headers kept", async () => {
    for (const result of [
      { status: 200, body: { a: 1 }, headers: { ETag: 'W/"1"' } },
      { status: 400, body: 'x'.repeat(5000) },
      { status: 204 },
    ]) {
      const answer = await toApiGatewayResult(result, 'application/scim+json', 'gzip');
      expect(answer.headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', ...result.headers });
    }
  });
});

describe('the 6 MB limit of a Lambda response', () => {
  /** Random base64 compresses poorly: 10 MB of it stays over the limit even gzipped (and base64-encoded). */
  const incompressible = () =>
    new JsonStream(async function* () {
      yield '{"members":[';
      for (let i = 0; i < 10 * 1024; i++) yield `${i ? ',' : ''}"${randomBytes(768).toString('base64')}"`;
      yield ']}';
    });

  test('an answer that cannot fit is refused, compressed or not', async () => {
    await expect(
      toApiGatewayResult({ status: 200, body: incompressible() }, 'application/scim+json', undefined),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(
      toApiGatewayResult({ status: 200, body: incompressible() }, 'application/scim+json', 'gzip'),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  test('a large but compressible answer fits once gzipped', async () => {
    const body = { data: 'a'.repeat(MAX_RESPONSE_BYTES + 1000) };
    await expect(
      toApiGatewayResult({ status: 200, body }, 'application/scim+json', undefined),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
    const zipped = await toApiGatewayResult({ status: 200, body }, 'application/scim+json', 'gzip');
    expect(zipped.isBase64Encoded).toBe(true);
  });

  test('the SCIM handler answers 400 tooMany instead of a 502', async () => {
    const handler = createHttpHandler('scim', {
      // biome-ignore lint/correctness/noComponentHookFactories: an HTTP method of a route table, not a React component
      '/scim/v2/{tenantId}/Huge': { GET: async () => ({ status: 200, body: incompressible() }) },
    });
    const event = {
      resource: '/scim/v2/{tenantId}/Huge',
      path: '/scim/v2/t/Huge',
      httpMethod: 'GET',
      headers: {},
      pathParameters: { tenantId: 't' },
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: 'r', authorizer: { tenantId: 't' } },
    } as unknown as APIGatewayProxyEvent;
    const result = await handler(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual(expect.objectContaining({ status: '400', scimType: 'tooMany' }));
  });
});
