import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of DynamoDB Local that can make DynamoDB fail for the service under test
 * without touching the DynamoDB Local the other test files share.
 *
 * - `failWhen` drops the connection of the matching requests (by operation, e.g. `GetItem`); `stop()`
 *   closes the port so that every connection is refused — DynamoDB stopped, as far as the service can tell.
 * - `inject` answers one chosen call with the error DynamoDB itself sends: throttling (HTTP 400
 *   ThrottlingException / ProvisionedThroughputExceededException), a transient HTTP 500
 *   InternalServerError, or a TransactionCanceledException whose reasons say ThrottlingError.
 *
 * A *call* is one SDK command: its retries carry the same `amz-sdk-invocation-id` header and count as
 * the same call. A fault on a call fails its first `attempts` attempts ('all': every retry, so the
 * error outlasts the SDK's retries and reaches the service; 1: a blip the SDK retries by itself).
 */
export interface DynamoDbProxy {
  endpoint: string;
  /** Operations (X-Amz-Target without the API version, e.g. 'Query') whose connection is dropped. */
  failWhen(operations: string[] | 'all' | 'none'): void;
  /**
   * Fails the `nth` call (1-based, counted from now) of `operation` — of any operation without it —
   * with `kind`. Replaces any fault injected before; the counting starts again.
   */
  inject(fault: Fault): void;
  /** Removes the injected fault (calls already failing persistently keep failing until `clear`). */
  clearFault(): void;
  /** What the injected fault did: the call it hit (undefined while it has hit none) and how many attempts failed. */
  injected(): { hit?: ProxiedCall; failedAttempts: number };
  /** Operations seen since the proxy started, in order, one entry per HTTP request (retries too). */
  seen: string[];
  /** Calls (first attempts) since the proxy started, in order. */
  calls: ProxiedCall[];
  stop(): Promise<void>;
}

export type FaultKind =
  /** HTTP 400 ThrottlingException (on-demand tables, the whole account's rate). */
  | 'throttling'
  /** HTTP 400 ProvisionedThroughputExceededException (a provisioned table or a hot partition). */
  | 'provisioned'
  /** HTTP 500 InternalServerError (DynamoDB's transient failure; the SDK retries it). */
  | 'internal'
  /**
   * HTTP 400 TransactionCanceledException, every reason ThrottlingError (what TransactWriteItems
   * answers when one of its items is throttled; the SDK does not retry it, the store does).
   */
  | 'cancelled-throttling';

export interface Fault {
  kind: FaultKind;
  /** Operation to count, e.g. 'TransactWriteItems'; without it, every call counts. */
  operation?: string;
  /** 1-based: the call to fail among those counted from the injection on. */
  nth: number;
  /** How many attempts of that call fail: 'all' (persistent) or a number (1 = a single blip). */
  attempts: number | 'all';
}

export interface ProxiedCall {
  operation: string;
  /** The SDK's invocation id (the same on every retry of the call). */
  invocationId: string;
  /** Items of a TransactWriteItems / BatchWriteItem (its request's item count), else undefined. */
  items?: number;
}

const DYNAMODB_ERRORS: Record<
  Exclude<FaultKind, 'cancelled-throttling'>,
  { status: number; type: string; message: string }
> = {
  throttling: {
    status: 400,
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  provisioned: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  internal: {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
};

export async function startDynamoDbProxy(target: string): Promise<DynamoDbProxy> {
  const upstream = new URL(target);
  let failing: string[] | 'all' | 'none' = 'none';
  const seen: string[] = [];
  const calls: ProxiedCall[] = [];
  const invocations = new Set<string>();
  const sockets = new Set<Socket>();
  const operationOf = (req: IncomingMessage) =>
    String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');

  let fault: Fault | undefined;
  let counted = 0;
  let hit: ProxiedCall | undefined;
  let failedAttempts = 0;
  /** Attempts still to fail, by invocation id of the call the fault hit. */
  const failingCalls = new Map<string, { kind: FaultKind; remaining: number }>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstreamRequest = httpRequest(
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
    upstreamRequest.on('error', () => req.socket.destroy());
    upstreamRequest.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req);
      seen.push(operation);
      if (failing === 'all' || (failing !== 'none' && failing.includes(operation))) {
        // As a network failure: no answer, the connection is gone.
        req.socket.destroy();
        return;
      }
      const invocationId = String(req.headers['amz-sdk-invocation-id'] ?? randomUUID());
      const items = itemCount(operation, body);
      if (!invocations.has(invocationId)) {
        invocations.add(invocationId);
        const call: ProxiedCall = { operation, invocationId, ...(items === undefined ? {} : { items }) };
        calls.push(call);
        if (fault && !hit && (fault.operation === undefined || fault.operation === operation)) {
          counted++;
          if (counted === fault.nth) {
            hit = call;
            failingCalls.set(invocationId, {
              kind: fault.kind,
              remaining: fault.attempts === 'all' ? Number.POSITIVE_INFINITY : fault.attempts,
            });
          }
        }
      }
      const failure = failingCalls.get(invocationId);
      if (failure && failure.remaining > 0) {
        failure.remaining--;
        failedAttempts++;
        answerWithError(res, failure.kind, items ?? 1);
        return;
      }
      forward(req, res, body);
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
    failWhen: (operations) => {
      failing = operations;
    },
    inject: (next) => {
      if (!Number.isInteger(next.nth) || next.nth < 1)
        throw new Error(`nth must be a positive integer, not ${next.nth}`);
      fault = next;
      counted = 0;
      hit = undefined;
      failedAttempts = 0;
    },
    clearFault: () => {
      fault = undefined;
      failingCalls.clear();
    },
    injected: () => ({ hit, failedAttempts }),
    seen,
    calls,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** The error DynamoDB answers, as its JSON protocol sends it (`__type` in the body, x-amzn-ErrorType). */
function answerWithError(res: ServerResponse, kind: FaultKind, items: number): void {
  let status: number;
  let type: string;
  let payload: Record<string, unknown>;
  if (kind === 'cancelled-throttling') {
    status = 400;
    type = 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException';
    const codes = Array.from({ length: items }, () => 'ThrottlingError');
    payload = {
      __type: type,
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
      CancellationReasons: codes.map((Code) => ({
        Code,
        Message: 'Throughput exceeds the current capacity of your table or index.',
      })),
    };
  } else {
    ({ status, type } = DYNAMODB_ERRORS[kind]);
    payload = { __type: type, message: DYNAMODB_ERRORS[kind].message };
  }
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID().replace(/-/g, '').toUpperCase(),
    'x-amzn-ErrorType': `${type.split('#')[1]}:`,
  });
  res.end(text);
}

/** Items a write batch carries (for a cancellation's reasons, one per item). */
function itemCount(operation: string, body: Buffer): number | undefined {
  if (operation !== 'TransactWriteItems' && operation !== 'BatchWriteItem') return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      TransactItems?: unknown[];
      RequestItems?: Record<string, unknown[]>;
    };
    if (operation === 'TransactWriteItems') return parsed.TransactItems?.length ?? 0;
    return Object.values(parsed.RequestItems ?? {}).reduce((n, list) => n + list.length, 0);
  } catch {
    return undefined;
  }
}
