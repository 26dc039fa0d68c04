import {
  type RequestLogEntry,
  type RequestLogRepository,
  type RequestLogSink,
  requestLogLine,
} from './request-log';

/**
 * The sinks a function can hand its request-log entries to (lambdas/store/request-log-sink.ts picks
 * one from REQUEST_LOG_SINK). None of them makes the request wait for a write.
 */

/** One line per entry through `write` (process.stdout in AWS: the subscription filter takes it from there). */
export function lineSink(write: (line: string) => void): RequestLogSink {
  return {
    record: (entry) => {
      try {
        write(requestLogLine(entry));
      } catch {
        // A closed stdout must not fail the request it describes.
      }
    },
    flush: async () => undefined,
  };
}

/** Records nothing (REQUEST_LOG_SINK=off: the bench's run without the log). */
export const noSink: RequestLogSink = { record: () => undefined, flush: async () => undefined };

export interface BatchingOptions {
  /** Flush when this many entries wait (BatchWriteItem takes 25). */
  maxEntries: number;
  /** ...or this long after the first one arrived. */
  intervalMs: number;
  /** Entries kept while the table is slow; older ones beyond this are dropped (and counted). */
  maxBuffered: number;
  /** A batch the repository refused (after its own retries), with how many entries it held. */
  onError: (error: unknown, entries: number) => void;
}

export const DEFAULT_BATCHING: Omit<BatchingOptions, 'onError'> = {
  maxEntries: 25,
  intervalMs: 200,
  maxBuffered: 10_000,
};

/**
 * The writer fed in-process (local runs): entries are buffered and appended in batches, every
 * `intervalMs` or `maxEntries`, one batch at a time, off the request path. The same
 * RequestLogRepository.append the writer Lambda uses in AWS, so both paths store the same items.
 */
export class BatchingRequestLogWriter implements RequestLogSink {
  private buffer: RequestLogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Entries dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly repository: Pick<RequestLogRepository, 'append'>,
    private readonly options: BatchingOptions,
  ) {}

  record(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.options.maxBuffered) {
      this.buffer.shift();
      this.dropped++;
    }
    if (this.buffer.length >= this.options.maxEntries) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.intervalMs);
      // A pending flush does not keep a process alive; stop() flushes explicitly.
      this.timer.unref?.();
    }
  }

  /** Appends everything buffered now; resolves when that (and any batch before it) is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.repository.append(batch).catch((error: unknown) => this.options.onError(error, batch.length)),
      );
    }
    return this.writing;
  }
}
