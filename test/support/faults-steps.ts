import { RATE_LIMIT_RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS } from '../../lambdas/http/routes';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import type { DynamoDbProxy, FaultKind, ProxiedCall } from './dynamodb-proxy';
import type { TestResponse } from './service';

/**
 * Fault injection step by step: a write's DynamoDB calls are recorded through the proxy on a clean
 * run, then the write runs again once per recorded call with that call failing (see runFaultSteps).
 */

/** What an AWS SDK, DynamoDB or stack trace would leak into an answer. */
const LEAKS =
  /Dynamo|Throttl|ProvisionedThroughput|InternalServerError|TransactionCanceled|amazon|coral|x-amzn|\.ts:\d+|\bat \w+ \(|ECONN|socket/i;

/**
 * A throttled or failing table as the client must see it: 429 + Retry-After or a SCIM 503 +
 * Retry-After, the SCIM Error schema, nothing of DynamoDB in the text.
 */
export function expectRetryable(response: TestResponse): void {
  const summary = `${response.status} ${response.text.slice(0, 300)}`;
  if (response.status !== 503 && response.status !== 429)
    throw new Error(`expected 503 or 429 with Retry-After, got ${summary}`);
  const retryAfter = response.headers.get('retry-after');
  const expected = response.status === 503 ? RETRY_AFTER_SECONDS : RATE_LIMIT_RETRY_AFTER_SECONDS;
  if (retryAfter !== String(expected)) throw new Error(`Retry-After ${retryAfter} on ${summary}`);
  if (response.headers.get('content-type') !== 'application/scim+json')
    throw new Error(`content-type ${response.headers.get('content-type')} on ${summary}`);
  expectScimErrorBody(response.body, response.status, summary);
  if (LEAKS.test(response.text)) throw new Error(`the answer names the storage: ${summary}`);
}

/** One failed operation of a BulkResponse: status 503 (or 429) with a SCIM Error response. */
export function expectRetryableOperation(operation: { status: string; response?: unknown }): void {
  const text = JSON.stringify(operation);
  if (operation.status !== '503' && operation.status !== '429')
    throw new Error(`expected a 503 or 429 operation, got ${text}`);
  expectScimErrorBody(operation.response, Number(operation.status), text);
  if (LEAKS.test(text)) throw new Error(`the operation names the storage: ${text}`);
}

function expectScimErrorBody(body: unknown, status: number, summary: string): void {
  const error = body as { schemas?: unknown; status?: unknown; detail?: unknown } | undefined;
  if (
    !error ||
    JSON.stringify(error.schemas) !== JSON.stringify([SCIM_ERROR_SCHEMA]) ||
    error.status !== String(status) ||
    typeof error.detail !== 'string'
  )
    throw new Error(`not a SCIM Error body: ${summary}`);
}

export interface StepCase {
  /** Position in the recorded sequence (1-based) and the call recorded there. */
  step: number;
  call: ProxiedCall;
  /** Among the recorded calls of the same operation, this one's number (1-based): what is injected. */
  nthOfOperation: number;
  kind: FaultKind;
  attempts: number | 'all';
}

/** The recorded calls as `Op Op(items) ...` for messages. */
export const sequenceOf = (calls: ProxiedCall[]) =>
  calls.map((c) => (c.items === undefined ? c.operation : `${c.operation}(${c.items})`)).join(' ');

/** Records the DynamoDB calls `run` makes (first attempts only). */
export async function recordCalls<T>(
  proxy: DynamoDbProxy,
  run: () => Promise<T>,
): Promise<{ result: T; calls: ProxiedCall[] }> {
  const from = proxy.calls.length;
  const result = await run();
  return { result, calls: proxy.calls.slice(from) };
}

/** For each recorded call, the case that fails it: the call's operation and its number among those. */
export function casesOf(
  calls: ProxiedCall[],
  kindOf: (step: number) => FaultKind,
  attempts: number | 'all',
): StepCase[] {
  const seenOf = new Map<string, number>();
  return calls.map((call, index) => {
    const nthOfOperation = (seenOf.get(call.operation) ?? 0) + 1;
    seenOf.set(call.operation, nthOfOperation);
    return { step: index + 1, call, nthOfOperation, kind: kindOf(index + 1), attempts };
  });
}

/**
 * Runs `once` for every case with the case's fault injected around `request` only, and collects
 * every failure (with the case that caused it) instead of stopping at the first: a test then lists
 * all the steps that break.
 */
export async function runCases(
  proxy: DynamoDbProxy,
  cases: StepCase[],
  once: (c: StepCase, faulted: <T>(request: () => Promise<T>) => Promise<T>) => Promise<void>,
): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) {
    const label = `step ${c.step} (${c.call.operation} #${c.nthOfOperation}, ${c.kind}, attempts ${c.attempts})`;
    let hit = false;
    const faulted = async <T>(request: () => Promise<T>): Promise<T> => {
      proxy.inject({
        kind: c.kind,
        operation: c.call.operation,
        nth: c.nthOfOperation,
        attempts: c.attempts,
      });
      try {
        return await request();
      } finally {
        hit = proxy.injected().hit !== undefined;
        proxy.clearFault();
      }
    };
    if (process.env.FAULTS_PROGRESS) process.stderr.write(`${new Date().toISOString()} ${label}\n`);
    try {
      await once(c, faulted);
      // A GetItem the clean run made may be served from a warm cache this time (the settings are
      // cached for a few seconds, docs/decisions.md): nothing to fail then, and nothing failed.
      if (!hit && c.call.operation === 'GetItem') continue;
      if (!hit) throw new Error('the fault hit no call: the request made fewer calls than on the clean run');
    } catch (error) {
      proxy.clearFault();
      failures.push(`${label}: ${(error as Error).message}`);
    }
  }
  return failures;
}
