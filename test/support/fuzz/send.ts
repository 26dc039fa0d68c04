import { type Agent, request as httpRequest } from 'node:http';
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
export function send(origin: URL, agent: Agent, request: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: request.path,
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
          const text = Buffer.concat(chunks).toString('utf8');
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
  return `#${request.n} [${request.kind}] ${request.method} ${cut(request.path, 500)}\n  ${headers}\n  body: ${body}`;
}
