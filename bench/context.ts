import { type Sizes, sizesFor } from './args';
import type { DbCounts } from './db-counter';
import type { BenchResponse } from './http-client';
import type { Seeder } from './seed';
import { median, percentile, round } from './stats';

/** What every scenario gets from the runner. */
export interface BenchContext {
  seeder: Seeder;
  /** One measured SCIM request of a tenant: latency, DynamoDB cost, the response (status checked). */
  timed: TimedFn;
  log: (message: string) => void;
}

export interface Timed {
  ms: number;
  db: DbCounts;
  response: BenchResponse;
}

export type TimedFn = (
  tenant: string,
  method: string,
  path: string,
  expected: number | number[],
  body?: unknown,
) => Promise<Timed>;

/** Sizes of this run (bench/args.ts sizesFor), set once by the runner before any workload. */
export const SIZES: Sizes = sizesFor({ mode: 'default', scale: 1 });

export function configureSizes(sizes: Sizes): void {
  Object.assign(SIZES, sizes);
}

export const TENANTS = {
  small: 'bench-users-small',
  medium: 'bench-users-medium',
  large: 'bench-users-large',
  groups: 'bench-groups',
};

export function costOf(db: DbCounts) {
  return {
    itemsRead: db.itemsRead,
    authorizerReads: db.authorizerReads,
    readUnits: round(db.readUnits, 1),
    itemsWritten: db.itemsWritten,
    writeUnits: round(db.writeUnits, 1),
    calls: db.calls,
  };
}

export type Cost = ReturnType<typeof costOf>;

export function summarize(runs: Timed[]) {
  const ms = runs.map((r) => r.ms);
  const items = runs.map((r) => r.db.itemsRead);
  return {
    runs: runs.length,
    p50Ms: round(median(ms)),
    p95Ms: round(percentile(ms, 95)),
    itemsReadMedian: median(items),
    itemsReadMin: Math.min(...items),
    itemsReadMax: Math.max(...items),
    readUnitsMedian: round(median(runs.map((r) => r.db.readUnits)), 1),
    itemsWrittenMedian: median(runs.map((r) => r.db.itemsWritten)),
    callsMedian: median(runs.map((r) => r.db.calls)),
    ms: ms.map((v) => round(v, 1)),
  };
}

export type Summary = ReturnType<typeof summarize>;
