import { readRequestLogConfig } from '../config/runtime-config';
import type { RequestLogSink } from '../domain/request-log';
import { BatchingRequestLogWriter, DEFAULT_BATCHING, lineSink, noSink } from '../domain/request-log-sinks';
import { DynamoRequestLogRepository } from './request-log-repository';

let sinkOfProcess: RequestLogSink | undefined;

/**
 * The process's request-log sink, chosen once by REQUEST_LOG_SINK (lambdas/config/runtime-config.ts):
 * `stdout` in AWS (one line per request; the CloudWatch Logs subscription hands it to the writer
 * function, lambdas/request-log/), `direct` for `npm start` and the tests (the same repository append,
 * batched in-process every 200 ms or 25 entries), `off` for the bench's run without the log.
 * Every function of a process shares it, so a local stop flushes one buffer.
 */
export function requestLogSink(): RequestLogSink {
  if (sinkOfProcess) return sinkOfProcess;
  const config = readRequestLogConfig();
  if (config.sink === 'off') sinkOfProcess = noSink;
  else if (config.sink === 'stdout') sinkOfProcess = lineSink((line) => process.stdout.write(line));
  else {
    sinkOfProcess = new BatchingRequestLogWriter(new DynamoRequestLogRepository(config.retentionDays), {
      ...DEFAULT_BATCHING,
      // The entries are lost, never the request: say how many, never what they held.
      onError: (error, entries) =>
        process.stderr.write(
          `${JSON.stringify({ level: 'WARN', message: 'request log batch not written', entries, error: String(error) })}\n`,
        ),
    });
  }
  return sinkOfProcess;
}
