import { createGzip, gzipSync } from 'node:zlib';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { JsonStream } from './json-stream';
import { COMMON_RESPONSE_HEADERS, SCIM_CONTENT_TYPE } from './routes';

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const COMPRESS_ABOVE_BYTES = 1024;

/**
 * Lambda returns at most 6 MB to API Gateway (the body as sent, base64 when gzipped); keep room for the
 * headers and the proxy envelope. A bigger answer would be a 502 from API Gateway: it is refused with a
 * clear error instead (RFC 7644 §3.12 tooMany on SCIM routes).
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 - 64 * 1024;

export class ResponseTooLargeError extends Error {
  constructor(bytes: number) {
    super(
      `The response would be ${bytes} bytes or more, over the ${MAX_RESPONSE_BYTES} bytes this API can return; ` +
        'send Accept-Encoding: gzip, ask for fewer attributes (e.g. excludedAttributes=members), or page with count',
    );
    this.name = 'ResponseTooLargeError';
  }
}

function checkSize(bytes: number): void {
  if (bytes > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError(bytes);
}

/** Serialises a result; compresses with gzip when the client accepts it (Okta sends gzip,deflate). */
export async function toApiGatewayResult(
  result: HttpResult,
  contentType: string,
  acceptEncoding: string | undefined,
): Promise<APIGatewayProxyResult> {
  // Every answer: browsers must not sniff a JSON error body into HTML.
  const headers: Record<string, string> = { ...result.headers, ...COMMON_RESPONSE_HEADERS };
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  if (result.body instanceof JsonStream) {
    headers['Content-Type'] = contentType;
    if (acceptsGzip(acceptEncoding)) {
      headers['Content-Encoding'] = 'gzip';
      headers.Vary = varyWith(headers.Vary, 'Accept-Encoding');
      const body = (await gzipPieces(result.body)).toString('base64');
      checkSize(body.length);
      return { statusCode: result.status, headers, body, isBase64Encoded: true };
    }
    const pieces: string[] = [];
    let bytes = 0;
    for await (const piece of result.body.pieces()) {
      pieces.push(piece);
      bytes += Buffer.byteLength(piece, 'utf8');
      // Stop reading members as soon as the answer cannot be sent anyway.
      checkSize(bytes);
    }
    return { statusCode: result.status, headers, body: pieces.join('') };
  }
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  headers['Content-Type'] = contentType;
  if (text.length > COMPRESS_ABOVE_BYTES && acceptsGzip(acceptEncoding)) {
    headers['Content-Encoding'] = 'gzip';
    headers.Vary = varyWith(headers.Vary, 'Accept-Encoding');
    const body = gzipSync(Buffer.from(text, 'utf8')).toString('base64');
    checkSize(body.length);
    return { statusCode: result.status, headers, body, isBase64Encoded: true };
  }
  checkSize(Buffer.byteLength(text, 'utf8'));
  return { statusCode: result.status, headers, body: text };
}

/** Compresses the pieces as they are produced; only the compressed bytes accumulate. */
async function gzipPieces(stream: JsonStream): Promise<Buffer> {
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  for await (const piece of stream.pieces()) {
    if (!gzip.write(piece)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/** A Vary header that keeps what the handler set (CORS: Origin) and adds `name`. */
const varyWith = (current: string | undefined, name: string) => (current ? `${current}, ${name}` : name);

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding
    .toLowerCase()
    .split(',')
    .some((part) => {
      const [coding, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return (coding === 'gzip' || coding === '*') && (!q || Number(q.trim().slice(2)) > 0);
    });
}

export const SCIM_JSON = SCIM_CONTENT_TYPE;
export const ADMIN_JSON = 'application/json';
