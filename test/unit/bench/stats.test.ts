import { latencySummary } from '../../../bench/compare';
import { countExchange, emptyCounts, perRequest } from '../../../bench/dynamo-proxy';
import { buckets, MIX, pickOp } from '../../../bench/load-bench';
import { median, percentile, ratio } from '../../../bench/stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(median(values)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
  });

  it('summarises latencies as p50, p95, p99 and mean', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencySummary(ms)).toEqual({ count: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, meanMs: 50.5 });
  });

  it('counts completed requests per 1 s bucket, dropping those after the phase', () => {
    expect(buckets([0, 10, 999, 1000, 2500, 2999, 3000], 3)).toEqual([3, 1, 2]);
  });

  it('picks the load mix operations by weight', () => {
    const total = MIX.reduce((a, m) => a + m.weight, 0);
    const counts: Record<string, number> = {};
    for (let i = 0; i < total; i++) {
      const op = pickOp((i + 0.5) / total);
      counts[op] = (counts[op] ?? 0) + 1;
    }
    for (const m of MIX) expect(counts[m.op]).toBe(m.weight);
    expect(pickOp(0.999999)).toBe(MIX[MIX.length - 1].op);
  });

  it('counts DynamoDB exchanges seen by the proxy: items, token reads, writes, capacity, errors', () => {
    const c = emptyCounts();
    countExchange(
      c,
      'GetItem',
      { Key: { pk: { S: 'TOKENHASH#abc' } } },
      { Item: {}, ConsumedCapacity: { CapacityUnits: 1 } },
      200,
    );
    countExchange(
      c,
      'GetItem',
      { Key: { pk: { S: 'TENANT#t' } } },
      { Item: {}, ConsumedCapacity: { CapacityUnits: 0.5 } },
      200,
    );
    countExchange(c, 'GetItem', { Key: { pk: { S: 'TENANT#t' } } }, {}, 200);
    countExchange(c, 'Query', {}, { ScannedCount: 3, Count: 1 }, 200);
    countExchange(
      c,
      'TransactWriteItems',
      { TransactItems: [{ Put: {} }, { Put: {} }, { ConditionCheck: {} }, { Update: {} }] },
      { ConsumedCapacity: [{ CapacityUnits: 4 }, { CapacityUnits: 2 }] },
      200,
    );
    countExchange(
      c,
      'TransactWriteItems',
      { TransactItems: [{ Put: {} }] },
      { __type: 'TransactionCanceledException' },
      400,
    );
    expect(c).toMatchObject({
      calls: 6,
      authorizerReads: 1,
      itemsRead: 4,
      itemsWritten: 3,
      readUnits: 1.5,
      writeUnits: 6,
      errors: 1,
    });
    expect(c.commands).toEqual({ GetItem: 3, Query: 1, TransactWriteItems: 2 });
    const per = perRequest(c, 2);
    expect(per).toMatchObject({
      requests: 2,
      roundTrips: 3,
      itemsRead: 2,
      tokenReads: 0.5,
      itemsWritten: 1.5,
    });
    expect(per.commands.GetItem).toBe(1.5);
  });
});
