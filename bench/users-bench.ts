import { type BenchContext, costOf, SIZES, summarize, TENANTS, type Timed } from './context';
import type { DbCounts } from './db-counter';
import type { SeededUser } from './seed';
import { median, percentile, round, sample } from './stats';

const LOOKUP_WARMUP = 20;
const PAGE = 100;
const REREADS = 50;

/**
 * Issue "SCIM Users": Okta's `userName eq` lookup at 1k and 50k users per tenant, and a full
 * sequential `count=100` import of the 50k tenant (first pages vs last pages).
 */
export async function usersBenchmark({ seeder, timed, log }: BenchContext) {
  log(`seeding ${SIZES.smallTenant} users in ${TENANTS.small}`);
  const small = await seeder.users(TENANTS.small, 0, SIZES.smallTenant);
  log(`seeding ${SIZES.mediumTenant} users in ${TENANTS.medium}`);
  const medium = await seeder.users(TENANTS.medium, 0, SIZES.mediumTenant);
  log(`seeding ${SIZES.largeTenant} users in ${TENANTS.large}`);
  const seedStart = performance.now();
  const large = await seeder.users(TENANTS.large, 0, SIZES.largeTenant, (done) =>
    log(
      `  seeding: ${done} / ${SIZES.largeTenant} users (${Math.round(done / ((performance.now() - seedStart) / 1000))} users/s)`,
    ),
  );
  const seedSeconds = round((performance.now() - seedStart) / 1000, 1);
  log(`  seeded in ${seedSeconds} s`);

  // Okta's lookup before every create. The two tenants are measured interleaved, so drift of the
  // machine (JIT, GC, DynamoDB Local warming up) hits both sides alike.
  const lookup = async (tenant: string, user: SeededUser) => {
    const filter = encodeURIComponent(`userName eq "${user.userName}"`);
    const t = await timed(tenant, 'GET', `/Users?filter=${filter}`, 200);
    const body = t.response.json();
    if (body.totalResults !== 1 || body.Resources?.[0]?.id !== user.id) {
      throw new Error(`lookup of ${user.userName} in ${tenant} answered ${t.response.text().slice(0, 300)}`);
    }
    return t;
  };
  const LOOKUPS = SIZES.lookups;
  log(
    `userName lookups: ${LOOKUPS} per tenant, interleaved (${SIZES.smallTenant} / ${SIZES.mediumTenant} / ${SIZES.largeTenant})`,
  );
  for (const user of sample(small, LOOKUP_WARMUP)) await lookup(TENANTS.small, user);
  for (const user of sample(medium, LOOKUP_WARMUP)) await lookup(TENANTS.medium, user);
  for (const user of sample(large, LOOKUP_WARMUP)) await lookup(TENANTS.large, user);
  const smallLookups: Timed[] = [];
  const mediumLookups: Timed[] = [];
  const largeLookups: Timed[] = [];
  const smallSample = sample(small, LOOKUPS);
  const mediumSample = sample(medium, LOOKUPS);
  const largeSample = sample(large, LOOKUPS);
  for (let i = 0; i < LOOKUPS; i++) {
    smallLookups.push(await lookup(TENANTS.small, smallSample[i % smallSample.length]));
    mediumLookups.push(await lookup(TENANTS.medium, mediumSample[i % mediumSample.length]));
    largeLookups.push(await lookup(TENANTS.large, largeSample[i % largeSample.length]));
  }

  // Warm-up on the other tenant (its cursors are its own), so the first measured pages don't carry the
  // JIT's first pass over the listing code.
  for (let startIndex = 1; startIndex <= SIZES.smallTenant; startIndex += PAGE) {
    await timed(TENANTS.small, 'GET', `/Users?startIndex=${startIndex}&count=${PAGE}`, 200);
  }

  // A full import as Okta runs it: count=100, startIndex 1, 101, 201 ... one page after the other.
  log(`import of ${TENANTS.large}: count=${PAGE}, sequential pages`);
  const pages: {
    startIndex: number;
    ms: number;
    db: DbCounts;
    returned: number;
    lastUser?: { id: string; userName: string };
  }[] = [];
  const seen = new Set<string>();
  const importStart = performance.now();
  let totalResults = Number.POSITIVE_INFINITY;
  let lastProgress = importStart;
  for (let startIndex = 1; startIndex <= totalResults; startIndex += PAGE) {
    const t = await timed(TENANTS.large, 'GET', `/Users?startIndex=${startIndex}&count=${PAGE}`, 200);
    const body = t.response.json();
    totalResults = body.totalResults;
    const resources = (body.Resources ?? []) as { id: string; userName: string }[];
    for (const r of resources) seen.add(r.id);
    const lastUser = resources.at(-1);
    pages.push({ startIndex, ms: t.ms, db: t.db, returned: resources.length, lastUser });
    if (performance.now() - lastProgress >= 5000) {
      lastProgress = performance.now();
      const rate = round(pages.length / ((lastProgress - importStart) / 1000), 1);
      log(`  import: page ${pages.length} / ${Math.ceil(totalResults / PAGE)} (${rate} pages/s)`);
    }
    if (resources.length === 0) break;
  }
  const importSeconds = (performance.now() - importStart) / 1000;
  log(`  ${pages.length} pages in ${round(importSeconds, 1)} s, ${seen.size} distinct users`);

  // Control for drift: the sequential import's first and last pages are minutes apart, and other work
  // on the machine moves latencies over minutes. Re-reading page 2 and the last page alternately (both
  // start from their remembered cursor, exactly like during the import) compares the two positions in
  // the index at the same moment.
  const lastStart = pages[pages.length - 1].startIndex;
  const secondStart = Math.min(1 + PAGE, lastStart);
  // The same two pages' DynamoDB Query alone (no service), started after the last user of the page
  // before each, interleaved too: how much of a difference is DynamoDB Local's own.
  const cursorOf = (startIndex: number) => pages.find((p) => p.startIndex === startIndex - PAGE)?.lastUser;
  const secondCursor = cursorOf(secondStart);
  const lastCursor = cursorOf(lastStart);
  const rereadSecond: Timed[] = [];
  const rereadLast: Timed[] = [];
  const rawSecond: number[] = [];
  const rawLast: number[] = [];
  for (let i = 0; i < REREADS; i++) {
    rereadSecond.push(
      await timed(TENANTS.large, 'GET', `/Users?startIndex=${secondStart}&count=${PAGE}`, 200),
    );
    rereadLast.push(await timed(TENANTS.large, 'GET', `/Users?startIndex=${lastStart}&count=${PAGE}`, 200));
    if (secondCursor && lastCursor) {
      rawSecond.push((await seeder.timeIndexPageAfter(TENANTS.large, secondCursor, PAGE)).ms);
      rawLast.push((await seeder.timeIndexPageAfter(TENANTS.large, lastCursor, PAGE)).ms);
    }
  }

  // Not a goal, shown for the cost model: a jump to a far offset that no remembered cursor starts
  // (descending order has no cursors yet) walks keys up to the offset.
  const farStart = Math.max(1, SIZES.largeTenant - PAGE + 1);
  const jump = await timed(
    TENANTS.large,
    'GET',
    `/Users?startIndex=${farStart}&count=${PAGE}&sortOrder=descending`,
    200,
  );

  const first = pages.slice(0, 5);
  const last = pages.slice(-5);
  return {
    seedSeconds,
    lookup: {
      small: summarize(smallLookups),
      medium: summarize(mediumLookups),
      large: summarize(largeLookups),
    },
    import: {
      pages: pages.length,
      totalResults,
      distinctUsers: seen.size,
      shortPages: pages.filter((p, i) => i < pages.length - 1 && p.returned !== PAGE).length,
      seconds: round(importSeconds, 1),
      firstPagesP50Ms: round(median(first.map((p) => p.ms))),
      lastPagesP50Ms: round(median(last.map((p) => p.ms))),
      allPagesP50Ms: round(median(pages.map((p) => p.ms))),
      allPagesP95Ms: round(
        percentile(
          pages.map((p) => p.ms),
          95,
        ),
      ),
      firstPage: costOf(pages[0].db),
      secondPage: costOf((pages[1] ?? pages[0]).db),
      lastPage: costOf(pages[pages.length - 1].db),
      itemsReadPerPage: {
        min: Math.min(...pages.map((p) => p.db.itemsRead)),
        max: Math.max(...pages.map((p) => p.db.itemsRead)),
      },
      pageMs: pages.map((p) => round(p.ms, 1)),
    },
    reread: {
      secondStartIndex: secondStart,
      lastStartIndex: lastStart,
      second: summarize(rereadSecond),
      last: summarize(rereadLast),
      rawQuerySecondP50Ms: round(median(rawSecond)),
      rawQueryLastP50Ms: round(median(rawLast)),
    },
    farJump: { startIndex: farStart, ms: round(jump.ms), ...costOf(jump.db) },
  };
}

export type UsersResults = Awaited<ReturnType<typeof usersBenchmark>>;
