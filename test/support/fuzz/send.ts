import { type Agent, request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { FuzzRequest } from './generate';

export interface FuzzAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined. */
  body: unknown;
}

/**
 * Sends one request as it is, byte for byte: node's own client, not fetch, so the path is not
 * normalised (`..`, `%2e`), a header may repeat, and the body may be any bytes (invalid UTF-8).
 */
/**
 * The path as it goes on the request line: characters a request line cannot carry (space, controls,
 * non-ASCII) percent-encoded, everything else (`%`, `..`, `"`) left as it is.
 */
export const requestLine = (path: string) =>
  path.replace(/[^\u0021-\u007e]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD
    }
  });

export function send(origin: URL, agent: Agent, request: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: requestLine(request.path),
        // A body always says how long it is (a GET's too): without it the server would read the
        // body as the next request on the connection.
        headers:
          request.body && !Object.keys(request.headers).some((h) => h.toLowerCase() === 'content-length')
            ? { ...request.headers, 'Content-Length': String(request.body.length) }
            : request.headers,
        agent,
        // A safety net against a hang, never a speed check: DynamoDB Local answers in milliseconds.
        timeout: 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
          try {
            if (encoding === 'gzip') raw = gunzipSync(raw);
            else if (encoding === 'deflate') raw = inflateSync(raw);
            else if (encoding === 'br') raw = brotliDecompressSync(raw);
          } catch (error) {
            reject(new Error(`the ${encoding} body does not decompress: ${(error as Error).message}`));
            return;
          }
          const text = raw.toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 120 s')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The request as a reproducible description: method, path, headers, and the body (long ones cut). */
export function describe(request: FuzzRequest): string {
  const cut = (text: string, max: number) =>
    text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${cut(JSON.stringify(value), 200)}`)
    .join('\n  ');
  const body = request.body
    ? `${cut(JSON.stringify(request.body.toString('utf8')), 2000)} (${request.body.length} bytes${Buffer.from(request.body.toString('utf8'), 'utf8').equals(request.body) ? '' : ', not valid UTF-8'})`
    : '(none)';
  return `#${request.n} [${request.kind}] ${request.method} ${cut(requestLine(request.path), 500)}\n  ${headers}\n  body: ${body}`;
}
