import { sizesFor } from '../../../bench/args';
import type { Comparison } from '../../../bench/compare';
import type { LoadPhase } from '../../../bench/load-bench';
import {
  type BenchResults,
  charts,
  goals,
  goalsTable,
  headline,
  hugeGetPayload,
} from '../../../bench/report';

type GoalInput = Parameters<typeof goals>[0];

const lat = (p50Ms: number, p95Ms = p50Ms * 2) => ({ p50Ms, p95Ms });

/** The parts of a run the goals read, with every ratio inside its goal. */
function run(
  overrides: {
    comparison?: Partial<Comparison>;
    load?: Partial<LoadPhase>[];
    hugeBytes?: number;
    hugeMembers?: number;
    lookupLarge?: number;
    patchBig?: number;
  } = {},
): GoalInput {
  const sizes = sizesFor({ mode: 'default', scale: 1 });
  return {
    sizes,
    users: {
      lookup: { small: lat(3), medium: lat(3.1), large: lat(overrides.lookupLarge ?? 3.2) },
      import: { lastPagesP50Ms: 30, firstPagesP50Ms: 20 },
      reread: { second: lat(15), last: lat(30), rawQuerySecondP50Ms: 5, rawQueryLastP50Ms: 21 },
    } as unknown as GoalInput['users'],
    groups: {
      patchAdd: { big: lat(overrides.patchBig ?? 200), empty: lat(190) },
      excludedMembers: { big: lat(2.8), empty: lat(2.8) },
      hugeGet: {
        median: { wireBytes: overrides.hugeBytes ?? 3_000_000, members: overrides.hugeMembers ?? 100_000 },
      },
    } as unknown as GoalInput['groups'],
    comparison: {
      current: { commit: 'c'.repeat(40), subject: 'now', dirty: false },
      baseline: { ref: 'd7265e0', commit: 'd'.repeat(40), subject: 'then' },
      createClients: 10,
      createsPerRun: 10_000,
      creates: [],
      lookups: [],
      createRate: { current: 600, baseline: 250 },
      createRatio: 2.4,
      lookupSpeedup: 1.5,
      ...overrides.comparison,
    },
    load: (
      overrides.load ?? [
        { clients: 10, errors: 0 },
        { clients: 25, errors: 0 },
      ]
    ).map((p) => ({ throughputPerSecond: [5, 6, 7], ...p }) as LoadPhase),
  };
}

const status = (input: GoalInput) => Object.fromEntries(goals(input).map((g) => [g.id, g.status]));

describe('bench report goals', () => {
  it('lists every ratio goal of the issue, all met when inside their limits', () => {
    const list = goals(run());
    expect(list.map((g) => g.id)).toEqual([
      'createRate',
      'lookupSpeedup',
      'lookupSize',
      'importService',
      'patch',
      'excluded',
      'hugeGet',
      'loadErrors',
    ]);
    expect(list.every((g) => g.status === 'met')).toBe(true);
    // import: the service's own time (page minus its raw Query) 15-5=10 vs 30-21=9 → 0.9
    expect(list.find((g) => g.id === 'importService')?.value).toBe('0.9');
    expect(goalsTable(list)).not.toContain('MISSED');
  });

  it('marks each goal missed with its value', () => {
    const list = goals(
      run({
        comparison: { createRatio: 1.6, createRate: { current: 400, baseline: 250 }, lookupSpeedup: 1.1 },
        lookupLarge: 4,
        patchBig: 400,
        hugeBytes: 5_000_000,
        load: [
          { clients: 10, errors: 0 },
          { clients: 25, errors: 3 },
        ],
      }),
    );
    const s = Object.fromEntries(list.map((g) => [g.id, g]));
    expect(s.createRate.status).toBe('missed');
    expect(s.createRate.value).toMatch(/^1\.6×/);
    expect(s.lookupSpeedup.status).toBe('missed');
    expect(s.lookupSize).toMatchObject({ status: 'missed', value: '1.33' });
    expect(s.patch.status).toBe('missed');
    expect(s.hugeGet.status).toBe('missed'); // 5 MB gzip is 6.7 MB as base64
    expect(s.loadErrors).toMatchObject({ status: 'missed', value: '3' });
    const table = goalsTable(list);
    expect(table).toContain('**MISSED (1.33)**');
    expect(table).toContain('**MISSED (3)**');
    expect(headline(list, 'default')).toMatch(/creates cur\/base 1\.6× MISSED/);
  });

  it('says "not run" for the baseline ratios without --baseline, and for load without load phases', () => {
    const s = status(
      run({
        comparison: {
          baseline: undefined,
          createRatio: undefined,
          lookupSpeedup: undefined,
          createRate: { current: 500 },
        },
        load: [],
      }),
    );
    expect(s).toMatchObject({
      createRate: 'not run',
      lookupSpeedup: 'not run',
      loadErrors: 'not run',
      lookupSize: 'met',
    });
    expect(
      headline(goals(run({ comparison: { createRatio: undefined, lookupSpeedup: undefined } })), 'quick'),
    ).toMatch(/goals met 6\/6 \(2 not run\)$/);
  });

  it('extrapolates the 100k-member payload from a smaller quick-run group', () => {
    const payload = hugeGetPayload(
      run({ hugeBytes: 300_000, hugeMembers: 10_000 }) as Pick<BenchResults, 'groups'>,
    );
    expect(payload).toEqual({ bytes: 4_000_000, extrapolated: true });
    const goal = goals(run({ hugeBytes: 300_000, hugeMembers: 10_000 })).find((g) => g.id === 'hugeGet');
    expect(goal?.value).toMatch(/extrapolated from 10k members/);
  });

  it('renders the size and load charts as SVG with median and p95 series', () => {
    const svgs = charts(run());
    expect(Object.keys(svgs).sort()).toEqual([
      'get-vs-group-size.svg',
      'load-throughput.svg',
      'lookup-vs-tenant-size.svg',
      'patch-vs-group-size.svg',
    ]);
    expect(svgs['lookup-vs-tenant-size.svg']).toContain('data-series="lookup p50"');
    expect(svgs['lookup-vs-tenant-size.svg']).toContain('data-series="lookup p95"');
    expect(svgs['patch-vs-group-size.svg']).toContain('data-series="PATCH +100 p95"');
    expect(svgs['get-vs-group-size.svg']).toContain('data-series="GET no members p50"');
    expect(svgs['load-throughput.svg']).toContain('data-series="25 clients"');
  });
});

describe('bench REPORT.md', () => {
  it('renders a run: the QUICK label, the goals table, the charts referenced, the headline', () => {
    const { render } = jest.requireActual('../../../bench/report') as typeof import('../../../bench/report');
    const { summarize } = jest.requireActual(
      '../../../bench/context',
    ) as typeof import('../../../bench/context');
    const { parseArgs } = jest.requireActual('../../../bench/args') as typeof import('../../../bench/args');
    const db = {
      calls: 2,
      itemsRead: 2,
      authorizerReads: 1,
      readUnits: 1,
      itemsWritten: 0,
      writeUnits: 0,
      commands: {},
    };
    const timed = (ms: number) => ({ ms, db, response: {} as never });
    const sum = summarize([timed(3), timed(4), timed(5)]);
    const cost = { itemsRead: 1, authorizerReads: 1, readUnits: 1, itemsWritten: 0, writeUnits: 0, calls: 2 };
    const base = run();
    const huge = {
      seconds: 1,
      contentEncoding: 'gzip',
      wireBytes: 3_000_000,
      uncompressedBytes: 18_000_000,
      members: 100_000,
      ...cost,
      memory: {
        peakRssDeltaMb: 10,
        peakHeapUsedDeltaMb: 20,
        peakExternalDeltaMb: 5,
        baselineRssMb: 100,
        samples: 3,
      },
    };
    const perReq = {
      requests: 1,
      roundTrips: 4,
      itemsRead: 0,
      tokenReads: 1,
      itemsWritten: 4,
      readUnits: 2,
      writeUnits: 8,
      dynamoErrors: 0,
      commands: { GetItem: 2, TransactWriteItems: 1, Query: 1 },
    };
    const createRun = (label: string, runNo: number) => ({
      label,
      run: runNo,
      created: 100,
      errors: 0,
      errorStatuses: {},
      seconds: 1,
      usersPerSecond: 100,
      latency: { count: 100, p50Ms: 30, p95Ms: 60, p99Ms: 80, meanMs: 35 },
      db: perReq,
    });
    const results = {
      date: '2026-12-01T23:00:00.000Z',
      mode: 'quick',
      options: parseArgs(['--quick', '--baseline', 'd7265e0']),
      scale: 1,
      sizes: base.sizes,
      machine: {
        cores: 2,
        cpu: 'cpu',
        memoryGb: 8,
        node: 'v20',
        java: 'java 17',
        platform: 'linux',
        loadAverage: { start: 1, end: 2 },
      },
      runtimeSeconds: 170,
      phases: { start: 5, creates: 60 },
      seeding: { items: 1, requests: 1, retries: 0, seconds: 1, itemsPerSecond: 1, streams: 12 },
      users: {
        seedSeconds: 1,
        lookup: { small: sum, medium: sum, large: sum },
        import: {
          pages: 10,
          totalResults: 1000,
          distinctUsers: 1000,
          shortPages: 0,
          seconds: 1,
          firstPagesP50Ms: 20,
          lastPagesP50Ms: 22,
          allPagesP50Ms: 21,
          allPagesP95Ms: 30,
          firstPage: cost,
          secondPage: cost,
          lastPage: cost,
          itemsReadPerPage: { min: 101, max: 102 },
          pageMs: [],
        },
        reread: {
          secondStartIndex: 101,
          lastStartIndex: 901,
          second: sum,
          last: sum,
          rawQuerySecondP50Ms: 1,
          rawQueryLastP50Ms: 1,
        },
        farJump: { startIndex: 901, ms: 10, ...cost },
      },
      groups: {
        groupSeedSeconds: 1,
        excludedMembers: { big: sum, empty: sum },
        patchAdd: { big: sum, empty: sum },
        patchRemove: { big: sum, empty: sum },
        replace: { seconds: 2, status: 204, correct: true, membersAfter: 10, memberCountAfter: 10, ...cost },
        resync: { seconds: 1, status: 204, correct: true, ...cost },
        hugeGet: {
          median: huge,
          maxPeakRssDeltaMb: 10,
          maxPeakHeapUsedDeltaMb: 20,
          maxPeakExternalDeltaMb: 5,
          runs: [huge],
        },
      },
      comparison: {
        ...base.comparison,
        creates: [createRun('baseline', 1), createRun('current', 1)],
        lookups: [
          {
            label: 'current',
            tenantUsers: 200,
            latency: { count: 100, p50Ms: 3, p95Ms: 6, p99Ms: 9, meanMs: 4 },
            db: perReq,
          },
        ],
      },
      load: [
        {
          clients: 10,
          seconds: 2,
          requests: 20,
          errors: 0,
          errorSamples: [],
          requestsPerSecond: 10,
          latency: { count: 20, p50Ms: 5, p95Ms: 9, p99Ms: 12, meanMs: 6 },
          perKind: { lookup: { count: 20, p50Ms: 5, p95Ms: 9, p99Ms: 12, meanMs: 6 } },
          throughputPerSecond: [10, 10],
          db: perReq,
        },
      ],
    } as unknown as BenchResults;
    const list = goals(results);
    const md = render(results, list, Object.keys(charts(results)));
    expect(md).toContain('QUICK RUN');
    expect(md).toContain('| Goal | Target | Value | Status |');
    expect(md).toContain('![lookup latency against tenant size](charts/lookup-vs-tenant-size.svg)');
    expect(md).toContain('![load throughput over time](charts/load-throughput.svg)');
    expect(md).toContain('![PATCH +100 latency against group size](charts/patch-vs-group-size.svg)');
    expect(md).toContain('4 round trips (GetItem 2, TransactWriteItems 1, Query 1)');
    expect(md).toContain('Not run (`--quick`; `--request-log` runs it).');
    expect(md).toContain(`Headline: \`${headline(list, 'quick')}\``);
  });
});
