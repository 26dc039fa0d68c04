import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { CHANGE_EVENT_SOURCE, type ChangeEvent, withinSize } from '../domain/change-events';
import type { EventPublisher } from '../domain/ports';

/** EventBridge takes at most 10 entries per PutEvents. */
export const ENTRIES_PER_PUT = 10;
/** PutEvents refuses a request over 256 KB (entries' Source + DetailType + Detail + ...). */
const MAX_REQUEST_BYTES = 256 * 1024;
/** One entry's Detail: the request's limit less room for Source, DetailType and Time. */
const MAX_DETAIL_BYTES = MAX_REQUEST_BYTES - 1024;

export interface EventBridgePublisherOptions {
  busName: string;
  client?: EventBridgeClient;
  /** Attempts per entry (the first included) before publish throws. */
  maxAttempts?: number;
  /** First backoff; doubled per attempt, with jitter. */
  baseDelayMs?: number;
}

/** Entries that EventBridge still refused after the retries. */
export class EventPublishError extends Error {
  constructor(
    readonly failed: { eventId: string; errorCode: string }[],
    options?: ErrorOptions,
  ) {
    const codes = [...new Set(failed.map((f) => f.errorCode))].join(', ');
    super(`${failed.length} event(s) not accepted by the event bus after retries (${codes})`, options);
    this.name = 'EventPublishError';
  }
}

/**
 * The EventPublisher on an EventBridge bus: PutEvents in calls of at most 10 entries (and 256 KB),
 * in order. PutEvents is not all-or-nothing: the entries it refused (FailedEntryCount, an ErrorCode
 * per entry) are put again with backoff, a bounded number of times; then it throws, so the stream
 * record fails and is retried (same eventIds) and, in the end, goes to the on-failure queue.
 * Memory stays bounded by the events of one call (a stream record yields at most ~50).
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(private readonly options: EventBridgePublisherOptions) {
    this.client = options.client ?? new EventBridgeClient({});
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 100;
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    for (const batch of batchesOf(events.map((event) => this.entryOf(event)))) await this.put(batch);
  }

  private entryOf(event: ChangeEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.busName,
      Source: CHANGE_EVENT_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify(withinSize(event, MAX_DETAIL_BYTES)),
      Time: new Date(event.occurredAt),
    };
  }

  private async put(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    let refused: PutEventsResultEntry[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const result = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!result.FailedEntryCount) return;
      // Entries answer in request order; a refused one carries an ErrorCode instead of an EventId.
      const answers = result.Entries ?? [];
      const failedIndexes = pending.map((_, i) => i).filter((i) => !answers[i] || answers[i].ErrorCode);
      refused = failedIndexes.map((i) => answers[i] ?? { ErrorCode: 'NoAnswer' });
      pending = failedIndexes.map((i) => pending[i]);
      if (pending.length === 0) return;
      if (attempt < this.maxAttempts)
        await sleep(this.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
    throw new EventPublishError(
      pending.map((entry, i) => ({
        eventId: (JSON.parse(entry.Detail as string) as ChangeEvent).eventId,
        errorCode: refused[i]?.ErrorCode ?? 'Unknown',
      })),
    );
  }
}

/** Consecutive groups of at most 10 entries and 256 KB (EventBridge counts the UTF-8 bytes). */
export function batchesOf(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length > 0 && (current.length === ENTRIES_PER_PUT || bytes + size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** EventBridge's entry size: Time (14 bytes) + Source + DetailType + Detail + Resources. */
function entrySize(entry: PutEventsRequestEntry): number {
  const text = (value: string | undefined) => (value ? Buffer.byteLength(value, 'utf8') : 0);
  return 14 + text(entry.Source) + text(entry.DetailType) + text(entry.Detail);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
