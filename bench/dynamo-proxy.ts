import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { DbCounts } from './db-counter';

/**
 * A counting HTTP proxy in front of DynamoDB Local, one per service under test: the service is given
 * the proxy's endpoint as its DynamoDB endpoint, so whatever the ref's code is, every DynamoDB round
 * trip it makes passes here and is counted the same way (bench/db-counter.ts counts through the SDK of
 * the current ref only; a baseline ref has no such hook). Read and write calls get
 * `ReturnConsumedCapacity: TOTAL` added (DynamoDB Local checks no signature), so capacity is counted too.
 * Under concurrency requests overlap: the counts are per phase (`take()` before and after), divided
 * by the requests of the phase.
 */
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

type Json = Record<string, unknown>;

export interface ProxyCounts extends DbCounts {
  /** DynamoDB answers ≥ 400 (conditional check failures, transaction cancellations, throttles). */
  errors: number;
}

export interface CountingProxy {
  endpoint: string;
  take(): ProxyCounts;
  stop(): Promise<void>;
}

export function emptyCounts(): ProxyCounts {
  return {
    calls: 0,
    itemsRead: 0,
    authorizerReads: 0,
    readUnits: 0,
    itemsWritten: 0,
    writeUnits: 0,
    commands: {},
    errors: 0,
  };
}

/** Adds one DynamoDB exchange (operation name, request and response JSON) to the counts. Pure. */
export function countExchange(
  c: ProxyCounts,
  operation: string,
  input: Json,
  output: Json,
  status: number,
): void {
  c.calls++;
  c.commands[operation] = (c.commands[operation] ?? 0) + 1;
  if (status >= 400) {
    c.errors++;
    return;
  }
  const units = capacityUnits(output.ConsumedCapacity);
  if (READS.has(operation)) c.readUnits += units;
  if (WRITES.has(operation)) c.writeUnits += units;
  switch (operation) {
    case 'GetItem':
      if (!output.Item) break;
      if (/^TOKEN/.test(stringOf((input.Key as Json | undefined)?.pk))) c.authorizerReads++;
      else c.itemsRead++;
      break;
    case 'Query':
    case 'Scan':
      c.itemsRead += Number(output.ScannedCount ?? output.Count ?? 0);
      break;
    case 'BatchGetItem':
      for (const items of Object.values((output.Responses as Record<string, unknown[]>) ?? {}))
        c.itemsRead += items.length;
      break;
    case 'TransactGetItems':
      c.itemsRead += ((output.Responses as Json[]) ?? []).filter((r) => r.Item).length;
      break;
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      c.itemsWritten++;
      break;
    case 'BatchWriteItem': {
      const requested = Object.values((input.RequestItems as Record<string, unknown[]>) ?? {});
      const left = Object.values((output.UnprocessedItems as Record<string, unknown[]>) ?? {});
      c.itemsWritten += sum(requested.map((r) => r.length)) - sum(left.map((r) => r.length));
      break;
    }
    case 'TransactWriteItems':
      c.itemsWritten += ((input.TransactItems as Json[]) ?? []).filter((t) => !t.ConditionCheck).length;
      break;
  }
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let counts = emptyCounts();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      let input: Json = {};
      try {
        input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Json) : {};
        if ((READS.has(operation) || WRITES.has(operation)) && input.ReturnConsumedCapacity === undefined) {
          input.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(input));
        }
      } catch {
        // Not JSON: forwarded as it came, counted as a call.
      }
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => out.push(chunk));
          answer.on('end', () => {
            const raw = Buffer.concat(out);
            let output: Json = {};
            try {
              output = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Json) : {};
            } catch {
              // counted without items
            }
            countExchange(counts, operation, input, output, answer.statusCode ?? 500);
            // The answer goes back byte for byte (the SDK checks its CRC32).
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(raw);
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    });
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
    take: () => {
      const taken = counts;
      counts = emptyCounts();
      return taken;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function capacityUnits(consumed: unknown): number {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return sum(list.map((c) => Number((c as Json).CapacityUnits ?? 0)));
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).S === 'string')
    return (value as Json).S as string;
  return '';
}

/** Counts of a phase per request: what a report row shows. */
export function perRequest(c: ProxyCounts, requests: number) {
  const per = (n: number) => (requests === 0 ? Number.NaN : Math.round((n / requests) * 100) / 100);
  return {
    requests,
    roundTrips: per(c.calls),
    itemsRead: per(c.itemsRead),
    tokenReads: per(c.authorizerReads),
    itemsWritten: per(c.itemsWritten),
    readUnits: per(c.readUnits),
    writeUnits: per(c.writeUnits),
    dynamoErrors: per(c.errors),
    commands: Object.fromEntries(Object.entries(c.commands).map(([k, v]) => [k, per(v)])),
  };
}

export type PerRequest = ReturnType<typeof perRequest>;
