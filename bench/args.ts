/**
 * `npm run bench -- [flags]`: what to run and at which sizes. Pure (no I/O), unit-tested in
 * test/unit/bench/args.test.ts.
 */
export type Mode = 'quick' | 'default';

export interface BenchOptions {
  mode: Mode;
  help: boolean;
  coldStart: boolean;
  /** A git ref to measure the create and lookup workloads against (its own worktree and service). */
  baseline?: string;
  /** The baseline is DEFAULT_BASELINE, not asked for (a run goes on without it if the ref is missing). */
  baselineIsDefault: boolean;
  /** Extra knob on top of the mode: every seeded size multiplied (BENCH_SCALE or --scale). */
  scale: number;
  /** Users created per create run by the 10 clients. */
  creates: number;
  /** Create runs per service (alternating baseline, current, baseline, current). */
  createRuns: number;
  createClients: number;
  /** Seconds of the load mix at each concurrency. */
  loadSeconds: number;
  loadClients: number[];
  /** The request-log with/without comparison (two more services): default run only unless asked. */
  requestLog: boolean;
  /** Only re-render bench/REPORT.md and the charts from a results JSON of an earlier run. */
  render?: string;
}

export interface Sizes {
  smallTenant: number;
  mediumTenant: number;
  largeTenant: number;
  groupTenantUsers: number;
  patchGroup: number;
  excludeGroup: number;
  replaceOthers: number;
  replaceNew: number;
  hugeGroup: number;
  /** Measured lookups per tenant (interleaved). */
  lookups: number;
}

const DEFAULT_SIZES: Sizes = {
  smallTenant: 1_000,
  mediumTenant: 10_000,
  largeTenant: 50_000,
  groupTenantUsers: 100_000,
  patchGroup: 20_000,
  excludeGroup: 50_000,
  replaceOthers: 10_000,
  replaceNew: 10_000,
  hugeGroup: 100_000,
  lookups: 200,
};

/** `--quick`: the whole run within 3 minutes on 2 cores (the report says which sizes ran). */
const QUICK_SIZES: Sizes = {
  smallTenant: 1_000,
  mediumTenant: 3_000,
  largeTenant: 10_000,
  groupTenantUsers: 10_000,
  patchGroup: 5_000,
  excludeGroup: 5_000,
  replaceOthers: 2_000,
  replaceNew: 2_000,
  hugeGroup: 10_000,
  lookups: 100,
};

/** The ref issue 13's create and lookup goals are measured against ("today's code" when it was filed). */
export const DEFAULT_BASELINE = 'd7265e0';

export const USAGE = `Usage: npm run bench -- [flags]

Starts DynamoDB Local and the service itself, seeds the tables, runs every workload (lookups at three
tenant sizes, import paging, member PATCH +100, GET without members, member replace, a big group GET
with gzip, creates by 10 concurrent clients, an Okta-like load mix at 10 and 25 clients) and writes
bench/results/<timestamp>.json, bench/REPORT.md and the SVG charts under bench/charts/.
The last line printed holds the headline ratios.

Flags:
  --quick               small sizes: the whole run within 3 minutes on 2 cores
                        (default sizes: within 15 minutes)
  --baseline <git ref>  run the create and lookup workloads against that ref too (a temporary git
                        worktree, its own local service in a child process, the same DynamoDB Local),
                        alternating baseline / current, and report the ratios
                        (default: \${DEFAULT_BASELINE}, issue 13's reference)
  --no-baseline         only the current code
  --cold-start          only the functions' cold start and memory (bundles, fresh processes)
  --scale <factor>      multiply every seeded size (also BENCH_SCALE=<factor>)
  --creates <n>         users per create run (default 10000, quick 1200)
  --create-runs <n>     create runs per service (default 2)
  --load-seconds <s>    seconds of the load mix per concurrency (default 60, quick 15)
  --request-log         also compare the request log on / off (on by default without --quick)
  --no-request-log      skip that comparison
  --render <json>       only re-render bench/REPORT.md and the charts from bench/results/<run>.json
  --help                this text
`;

export class ArgsError extends Error {}

export function parseArgs(argv: string[], env: Record<string, string | undefined> = {}): BenchOptions {
  const flags = new Map<string, string | true>();
  const valued = new Set([
    '--baseline',
    '--scale',
    '--creates',
    '--create-runs',
    '--load-seconds',
    '--render',
  ]);
  const known = new Set([
    ...valued,
    '--quick',
    '--cold-start',
    '--help',
    '-h',
    '--request-log',
    '--no-request-log',
    '--no-baseline',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (!known.has(name)) throw new ArgsError(`unknown flag ${arg} (see --help)`);
    if (valued.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new ArgsError(`${name} needs a value`);
      flags.set(name, value);
    } else {
      if (inline !== undefined) throw new ArgsError(`${name} takes no value`);
      flags.set(name, true);
    }
  }
  const quick = flags.has('--quick');
  const number = (name: string, fallback: number, min: number): number => {
    const raw = flags.get(name);
    if (raw === undefined || raw === true) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new ArgsError(`${name} must be a number ≥ ${min}, got ${raw}`);
    return value;
  };
  const envScale = env.BENCH_SCALE === undefined || env.BENCH_SCALE === '' ? 1 : Number(env.BENCH_SCALE);
  if (!Number.isFinite(envScale) || envScale <= 0)
    throw new ArgsError(`BENCH_SCALE must be > 0, got ${env.BENCH_SCALE}`);
  const baseline = flags.get('--baseline');
  return {
    mode: quick ? 'quick' : 'default',
    help: flags.has('--help') || flags.has('-h'),
    coldStart: flags.has('--cold-start'),
    baseline: flags.has('--no-baseline')
      ? undefined
      : typeof baseline === 'string'
        ? baseline
        : DEFAULT_BASELINE,
    baselineIsDefault: !flags.has('--no-baseline') && typeof baseline !== 'string',
    scale: number('--scale', envScale, 0.001),
    creates: Math.round(number('--creates', quick ? 1_200 : 10_000, 10)),
    createRuns: Math.round(number('--create-runs', 2, 1)),
    createClients: 10,
    loadSeconds: number('--load-seconds', quick ? 15 : 60, 1),
    loadClients: [10, 25],
    requestLog: flags.has('--no-request-log') ? false : flags.has('--request-log') || !quick,
    render: typeof flags.get('--render') === 'string' ? (flags.get('--render') as string) : undefined,
  };
}

/** The seeded sizes of a run: the mode's, times the scale (at least 10, and the group tenant big enough). */
export function sizesFor(options: Pick<BenchOptions, 'mode' | 'scale'>): Sizes {
  const base = options.mode === 'quick' ? QUICK_SIZES : DEFAULT_SIZES;
  const scaled = (n: number) => Math.max(10, Math.round(n * options.scale));
  const sizes: Sizes = {
    smallTenant: scaled(base.smallTenant),
    mediumTenant: scaled(base.mediumTenant),
    largeTenant: scaled(base.largeTenant),
    groupTenantUsers: scaled(base.groupTenantUsers),
    patchGroup: scaled(base.patchGroup),
    excludeGroup: scaled(base.excludeGroup),
    replaceOthers: scaled(base.replaceOthers),
    replaceNew: scaled(base.replaceNew),
    hugeGroup: scaled(base.hugeGroup),
    lookups: base.lookups,
  };
  // The PATCH runs take fresh users after the patched group's members (12 runs of 100), the replace
  // takes users after the replaced group's: the group tenant must hold them all.
  sizes.groupTenantUsers = Math.max(
    sizes.groupTenantUsers,
    sizes.patchGroup + 12 * 100,
    sizes.replaceOthers + sizes.replaceNew,
    sizes.hugeGroup,
    sizes.excludeGroup,
  );
  return sizes;
}
