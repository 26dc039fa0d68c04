import { ArgsError, parseArgs, sizesFor } from '../../../bench/args';

describe('bench flags', () => {
  it('defaults to the full run: 10,000 creates per run, 60 s load phases at 10 and 25 clients', () => {
    const o = parseArgs([]);
    expect(o).toMatchObject({
      mode: 'default',
      help: false,
      coldStart: false,
      baseline: 'd7265e0',
      baselineIsDefault: true,
      scale: 1,
      creates: 10_000,
      createRuns: 2,
      createClients: 10,
      loadSeconds: 60,
      loadClients: [10, 25],
      requestLog: true,
    });
    expect(sizesFor(o)).toMatchObject({
      smallTenant: 1_000,
      largeTenant: 50_000,
      patchGroup: 20_000,
      hugeGroup: 100_000,
    });
  });

  it('--quick shrinks sizes, creates and load phases and skips the request-log comparison', () => {
    const o = parseArgs(['--quick']);
    expect(o).toMatchObject({ mode: 'quick', creates: 1_200, loadSeconds: 15, requestLog: false });
    const quick = sizesFor(o);
    const full = sizesFor(parseArgs([]));
    for (const key of Object.keys(full) as (keyof typeof full)[])
      expect(quick[key]).toBeLessThanOrEqual(full[key]);
    expect(quick.largeTenant).toBeLessThan(full.largeTenant);
  });

  it('takes --baseline with a separate or an inline value, and the other valued flags', () => {
    expect(parseArgs(['--baseline', 'main']).baseline).toBe('main');
    expect(parseArgs(['--baseline', 'main']).baselineIsDefault).toBe(false);
    expect(parseArgs(['--no-baseline']).baseline).toBeUndefined();
    expect(parseArgs(['--baseline=main~3']).baseline).toBe('main~3');
    const o = parseArgs([
      '--quick',
      '--creates',
      '300',
      '--create-runs=3',
      '--load-seconds',
      '5',
      '--request-log',
    ]);
    expect(o).toMatchObject({ creates: 300, createRuns: 3, loadSeconds: 5, requestLog: true });
    expect(parseArgs(['--no-request-log']).requestLog).toBe(false);
    expect(parseArgs(['--cold-start']).coldStart).toBe(true);
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('keeps BENCH_SCALE as an extra knob; --scale wins over it', () => {
    expect(parseArgs([], { BENCH_SCALE: '0.1' }).scale).toBe(0.1);
    expect(parseArgs(['--scale', '0.5'], { BENCH_SCALE: '0.1' }).scale).toBe(0.5);
    const sizes = sizesFor({ mode: 'default', scale: 0.1 });
    expect(sizes.largeTenant).toBe(5_000);
    expect(sizesFor({ mode: 'default', scale: 0.0001 }).smallTenant).toBe(10);
  });

  it('keeps the group tenant big enough for the fresh PATCH users and the replace', () => {
    const sizes = sizesFor({ mode: 'quick', scale: 0.01 });
    expect(sizes.groupTenantUsers).toBeGreaterThanOrEqual(sizes.patchGroup + 1_200);
    expect(sizes.groupTenantUsers).toBeGreaterThanOrEqual(sizes.replaceOthers + sizes.replaceNew);
    expect(sizes.groupTenantUsers).toBeGreaterThanOrEqual(sizes.hugeGroup);
  });

  it('refuses unknown flags, missing values and bad numbers', () => {
    expect(() => parseArgs(['--fast'])).toThrow(ArgsError);
    expect(() => parseArgs(['--baseline'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--baseline', '--quick'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--creates', 'many'])).toThrow(/number/);
    expect(() => parseArgs(['--quick=yes'])).toThrow(/no value/);
    expect(() => parseArgs([], { BENCH_SCALE: '-1' })).toThrow(/BENCH_SCALE/);
  });
});
