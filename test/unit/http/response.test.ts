import { gunzipSync } from 'node:zlib';
import { JsonStream } from '../../../lambdas/http/json-stream';
import { toApiGatewayResult } from '../../../lambdas/http/response';

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
    expect(result).toEqual({ statusCode: 204, headers: {}, body: '' });
  });
});
