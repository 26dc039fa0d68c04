import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of DynamoDB Local that can make DynamoDB unreachable for the service under
 * test without touching the DynamoDB Local the other test files share: `failWhen` drops the
 * connection of the matching requests (by operation, e.g. `GetItem`), `stop()` closes the port so
 * that every connection is refused — DynamoDB stopped, as far as the service can tell.
 */
export interface DynamoDbProxy {
  endpoint: string;
  /** Operations (X-Amz-Target without the API version, e.g. 'Query') whose connection is dropped. */
  failWhen(operations: string[] | 'all' | 'none'): void;
  /** Operations seen since the proxy started, in order. */
  seen: string[];
  stop(): Promise<void>;
}

export async function startDynamoDbProxy(target: string): Promise<DynamoDbProxy> {
  const upstream = new URL(target);
  let failing: string[] | 'all' | 'none' = 'none';
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const operationOf = (req: IncomingMessage) =>
    String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');

  const server: Server = createServer((req, res) => {
    const operation = operationOf(req);
    seen.push(operation);
    if (failing === 'all' || (failing !== 'none' && failing.includes(operation))) {
      // As a network failure: no answer, the connection is gone.
      req.socket.destroy();
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failWhen: (operations) => {
      failing = operations;
    },
    seen,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
