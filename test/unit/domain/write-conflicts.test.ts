import { PreconditionFailedError, WriteConflictError } from '../../../lambdas/domain/errors';
import { retryOnConflict } from '../../../lambdas/domain/write-conflicts';

/** Runs `retryOnConflict` with fake timers, stepping the clock until it settles. */
async function settle<T>(run: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  run.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  while (!outcome) await jest.advanceTimersByTimeAsync(50);
  return outcome;
}

describe('retryOnConflict', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a write that loses a few races is retried until it wins', async () => {
    let calls = 0;
    const outcome = await settle(
      retryOnConflict('group', undefined, async (attempt) => {
        calls++;
        if (attempt < 4) throw new WriteConflictError();
        return 'written';
      }),
    );
    expect(outcome).toEqual({ value: 'written' });
    expect(calls).toBe(4);
  });

  test('with If-Match the first lost race answers 412', async () => {
    let calls = 0;
    const outcome = await settle(
      retryOnConflict('user', '"W/1"', async () => {
        calls++;
        throw new WriteConflictError();
      }),
    );
    expect(outcome.error).toBeInstanceOf(PreconditionFailedError);
    expect(calls).toBe(1);
  });

  test('ten quick losses within the time budget still retry (a loaded host is not a 412)', async () => {
    // Each lost attempt takes no time, so ten attempts end well within the budget: the writer keeps
    // trying until the budget is spent too, and wins on attempt 14.
    let calls = 0;
    const outcome = await settle(
      retryOnConflict('group', undefined, async (attempt) => {
        calls++;
        if (attempt < 14) throw new WriteConflictError();
        return attempt;
      }),
    );
    expect(outcome).toEqual({ value: 14 });
    expect(calls).toBe(14);
  });

  test('a writer that never wins gets 412 once it has tried ten times and five seconds passed', async () => {
    const started = Date.now();
    let calls = 0;
    const outcome = await settle(
      retryOnConflict('group', undefined, async () => {
        calls++;
        throw new WriteConflictError();
      }),
    );
    expect(outcome.error).toBeInstanceOf(PreconditionFailedError);
    expect((outcome.error as Error).message).toMatch(/group was modified concurrently/);
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(Date.now() - started).toBeLessThan(7_000);
  });

  test('other errors are not retried', async () => {
    let calls = 0;
    const outcome = await settle(
      retryOnConflict('user', undefined, async () => {
        calls++;
        throw new Error('boom');
      }),
    );
    expect((outcome.error as Error).message).toBe('boom');
    expect(calls).toBe(1);
  });
});
