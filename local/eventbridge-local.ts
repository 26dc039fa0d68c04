import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';

/** One event as the local bus keeps it: what PutEvents received, and the id the bus gave it. */
export interface LocalBusEvent {
  /** The bus's own id (EventBridge's EventId), not the detail's eventId. */
  busEventId: string;
  source: string;
  detailType: string;
  busName: string;
  detail: Record<string, unknown>;
  receivedAt: string;
}

export interface EventBridgeLocalOptions {
  /** JSON Lines file the events are appended to and read back from on start (persisted mode). */
  file?: string;
}

export interface EventBridgeLocal {
  /** The AWS_ENDPOINT_URL_EVENTBRIDGE of the SDK. */
  endpoint: string;
  /** Every event kept, in publication order (first delivery of each detail.eventId). */
  events(): readonly LocalBusEvent[];
  /** The next `count` entries received are refused (ErrorCode `errorCode`), as a throttled bus does. */
  failNext(count: number, errorCode?: string): void;
  /** Entries received, refused ones and duplicates included (tests of retries and dedupe). */
  received(): number;
  stop(): Promise<void>;
}

/** A PutEvents request may carry 10 entries (EventBridge's limit); the stand-in refuses more, as AWS does. */
const MAX_ENTRIES = 10;

/**
 * The local stand-in for an EventBridge bus: a tiny HTTP server on 127.0.0.1 speaking the one API the
 * stream consumer uses, PutEvents (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), so the same
 * publisher code runs unchanged against it (the SDK is pointed here by AWS_ENDPOINT_URL_EVENTBRIDGE).
 * It keeps the events in publication order and stores each detail.eventId once: a redelivered event
 * (a retried stream record) is answered as accepted but not stored twice — what a consumer that dedupes
 * by eventId sees. `failNext` refuses entries (FailedEntryCount / ErrorCode) to test the retries.
 */
export async function startEventBridgeLocal(
  options: EventBridgeLocalOptions = {},
): Promise<EventBridgeLocal> {
  const kept: LocalBusEvent[] = options.file ? readKept(options.file) : [];
  const byEventId = new Map<string, LocalBusEvent>();
  for (const event of kept) byEventId.set(String(event.detail.eventId), event);
  let toFail = 0;
  let failCode = 'ThrottlingException';
  let received = 0;

  const keep = (event: LocalBusEvent) => {
    kept.push(event);
    byEventId.set(String(event.detail.eventId), event);
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      appendFileSync(options.file, `${JSON.stringify(event)}\n`);
    }
  };

  const putEvents = (body: unknown): { status: number; payload: unknown } => {
    const entries = (body as { Entries?: unknown })?.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      return awsError(400, 'ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
    }
    let failed = 0;
    const results = entries.map((raw) => {
      received++;
      const entry = raw as Record<string, unknown>;
      if (toFail > 0) {
        toFail--;
        failed++;
        return { ErrorCode: failCode, ErrorMessage: 'Refused by the local bus (failNext)' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail));
      } catch {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      if (!detail || typeof detail !== 'object' || typeof entry.Source !== 'string') {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and an object Detail are required' };
      }
      const eventId = (detail as Record<string, unknown>).eventId;
      const existing = typeof eventId === 'string' ? byEventId.get(eventId) : undefined;
      if (existing) return { EventId: existing.busEventId };
      const event: LocalBusEvent = {
        busEventId: randomUUID(),
        source: entry.Source,
        detailType: String(entry.DetailType ?? ''),
        busName: String(entry.EventBusName ?? 'default'),
        detail: detail as Record<string, unknown>,
        receivedAt: new Date().toISOString(),
      };
      keep(event);
      return { EventId: event.busEventId };
    });
    return { status: 200, payload: { FailedEntryCount: failed, Entries: results } };
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res, putEvents).catch(() =>
      reply(res, 500, awsError(500, 'InternalException', 'error')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events: () => kept,
    failNext: (count, errorCode = 'ThrottlingException') => {
      toFail = count;
      failCode = errorCode;
    },
    received: () => received,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  putEvents: (body: unknown) => { status: number; payload: unknown },
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
    const result = awsError(400, 'UnknownOperationException', `Not supported locally: ${String(target)}`);
    return reply(res, result.status, result);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    const result = awsError(400, 'SerializationException', 'Body is not JSON');
    return reply(res, result.status, result);
  }
  const result = putEvents(body);
  reply(res, result.status, result);
}

function awsError(status: number, code: string, message: string): { status: number; payload: unknown } {
  return { status, payload: { __type: code, message } };
}

function reply(res: ServerResponse, status: number, result: { payload: unknown }): void {
  const body = JSON.stringify(result.payload);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(body);
}

/** The events of a previous run (persisted mode); a line cut short by a crash is skipped. */
function readKept(file: string): LocalBusEvent[] {
  if (!existsSync(file)) return [];
  const events: LocalBusEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as LocalBusEvent;
      if (event?.detail && typeof event.detail === 'object') events.push(event);
    } catch {
      // The last line of a run killed mid-write: that event was not acknowledged, so it is retried.
    }
  }
  return events;
}

/**
 * `GET /local/events?tenant=&type=&after=<eventId>`: the details kept, in publication order, of one
 * tenant and/or type, after the event with that eventId (every matching one without `after`). An
 * `after` the bus does not know is a 400 in the admin format.
 */
export function queryLocalEvents(
  events: readonly LocalBusEvent[],
  query: URLSearchParams,
): { status: number; body: unknown } {
  const tenant = query.get('tenant');
  const type = query.get('type');
  const after = query.get('after');
  let start = 0;
  if (after !== null) {
    const index = events.findIndex((e) => e.detail.eventId === after);
    if (index < 0) {
      return {
        status: 400,
        body: { error: 'bad_request', message: 'after must be the eventId of an event already published' },
      };
    }
    start = index + 1;
  }
  const details = events
    .slice(start)
    .filter(
      (e) => (tenant === null || e.detail.tenantId === tenant) && (type === null || e.detail.type === type),
    )
    .map((e) => e.detail);
  return { status: 200, body: { events: details } };
}
