import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { freePort } from '../../local/ports';

/**
 * A proxy in front of local SES that fails SendEmail attempts the way SES does: throttling is an
 * HTTP 400 `Throttling` ("Maximum sending rate exceeded."), a transient failure an HTTP 500
 * `InternalFailure`, both in SES's query-protocol XML. Every POST is one SendEmail attempt (the SDK's
 * retries included); `failAttempts(n)` fails the next n of them ('all' until `failAttempts(0)`).
 */
export interface FaultySes {
  endpoint: string;
  failAttempts(n: number | 'all', kind?: 'throttling' | 'internal'): void;
  /** SendEmail attempts seen, and how many of them were failed. */
  attempts(): { seen: number; failed: number };
  stop(): Promise<void>;
}

const ERRORS = {
  throttling: { status: 400, type: 'Sender', code: 'Throttling', message: 'Maximum sending rate exceeded.' },
  internal: {
    status: 500,
    type: 'Receiver',
    code: 'InternalFailure',
    message: 'An internal error occurred.',
  },
};

export async function startFaultySes(target: string): Promise<FaultySes> {
  let remaining = 0;
  let kind: keyof typeof ERRORS = 'throttling';
  let seen = 0;
  let failed = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') {
      seen++;
      if (remaining > 0) {
        remaining--;
        failed++;
        req.resume();
        const error = ERRORS[kind];
        const body = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${error.message}</Message></Error><RequestId>${seen}-fault</RequestId></ErrorResponse>`;
        res.writeHead(error.status, {
          'Content-Type': 'text/xml',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
    }
    forwardTo(target, req, res);
  });
  const port = await listenOnFreePort(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failAttempts: (n, k = 'throttling') => {
      remaining = n === 'all' ? Number.POSITIVE_INFINITY : n;
      kind = k;
    },
    attempts: () => ({ seen, failed }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Forwards one request to `target` as it came (method, headers, body) and pipes the answer back. */
export function forwardTo(target: string, req: IncomingMessage, res: ServerResponse): void {
  const proxied = httpRequest(
    new URL(req.url ?? '/', target),
    { method: req.method, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  proxied.on('error', () => req.socket.destroy());
  req.pipe(proxied);
}

/** Listens on a free local port; returns it. */
export async function listenOnFreePort(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}
