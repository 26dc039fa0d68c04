import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * A plain node:http client, like an IdP talking to the service: keep-alive, and the bytes on the wire
 * kept as they arrive (fetch would decompress gzip out of sight, and the wire size is a measurement).
 */
export interface BenchResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes received (compressed when Content-Encoding is gzip). */
  wireBytes: number;
  /** Milliseconds from sending the request to the last byte of the response. */
  ms: number;
  /** The body, decompressed, as text. */
  text(): string;
  // biome-ignore lint/suspicious/noExplicitAny: benchmark responses are inspected freely
  json(): any;
}

export class BenchClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    /** Connections kept open at once (as many as concurrent clients under load). */
    maxSockets = 4,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  send(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<BenchResponse> {
    const url = new URL(path, this.baseUrl);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = {
      'User-Agent': 'Okta SCIM Client 1.0.0 (npm run bench)',
      Accept: 'application/scim+json',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(payload
        ? { 'Content-Type': 'application/scim+json', 'Content-Length': String(payload.length) }
        : {}),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = performance.now() - started;
          const raw = Buffer.concat(chunks);
          const gzip = res.headers['content-encoding'] === 'gzip';
          let decoded: string | undefined;
          const text = () => {
            decoded ??= (gzip ? gunzipSync(raw) : raw).toString('utf8');
            return decoded;
          };
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            wireBytes: raw.length,
            ms,
            text,
            json: () => {
              const body = text();
              return body ? JSON.parse(body) : undefined;
            },
          });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }
}

/** Throws with the answer's body when the status is not the expected one (a benchmark of errors is worthless). */
export function expectStatus(response: BenchResponse, expected: number | number[], what: string): void {
  const ok = Array.isArray(expected) ? expected.includes(response.status) : response.status === expected;
  if (!ok)
    throw new Error(
      `${what}: expected ${expected}, got ${response.status}: ${response.text().slice(0, 500)}`,
    );
}
