import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { entryOfLine, type RequestLogEntry, type RequestLogRepository } from '../domain/request-log';

/** What one delivery held: the entries written and the log events that were not a valid entry. */
export interface WriterOutcome {
  written: number;
  rejected: number;
}

/**
 * The entries of one CloudWatch Logs subscription delivery: base64 of a gzip'd JSON document whose
 * `logEvents[].message` are the lines the SCIM functions and the authorizer wrote. CONTROL_MESSAGE
 * deliveries (CloudWatch checking the destination) hold none. A line that is not a valid entry is
 * counted, never stored.
 */
export function entriesOfDelivery(event: CloudWatchLogsEvent): {
  entries: RequestLogEntry[];
  rejected: number;
} {
  const document = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as {
    messageType?: string;
    logEvents?: { message?: unknown }[];
  };
  if (document.messageType !== 'DATA_MESSAGE') return { entries: [], rejected: 0 };
  const entries: RequestLogEntry[] = [];
  let rejected = 0;
  for (const logEvent of document.logEvents ?? []) {
    const entry = typeof logEvent.message === 'string' ? entryOfLine(logEvent.message) : undefined;
    if (entry) entries.push(entry);
    else rejected++;
  }
  return { entries, rejected };
}

/**
 * The writer function: decode, validate, append (25 items per BatchWriteItem, unprocessed items
 * retried, then the 5-minute counters). A failed append throws, so Lambda's asynchronous retries
 * deliver the batch again (the items are idempotent by key).
 */
export function createRequestLogWriter(
  repository: Pick<RequestLogRepository, 'append'>,
  warn: (message: string, details: Record<string, unknown>) => void,
) {
  return async (event: CloudWatchLogsEvent): Promise<WriterOutcome> => {
    const { entries, rejected } = entriesOfDelivery(event);
    // The count only: a rejected line may hold anything, it is not repeated into another log.
    if (rejected > 0) warn('Log events that are not request-log entries were dropped', { rejected });
    if (entries.length > 0) await repository.append(entries);
    return { written: entries.length, rejected };
  };
}
