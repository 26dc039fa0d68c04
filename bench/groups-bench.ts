import { type BenchContext, type Cost, costOf, SIZES, summarize, TENANTS, type Timed } from './context';
import { measurePeakMemory } from './memory';
import type { SeededUser } from './seed';
import { round } from './stats';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PATCH_MEMBERS = 100;
const PATCH_RUNS = 10;
const PATCH_WARMUP = 2;
const EXCLUDE_RUNS = 50;
const EXCLUDE_WARMUP = 5;
const HUGE_GET_RUNS = 3;

export interface HugeGetRun extends Cost {
  seconds: number;
  contentEncoding: string;
  wireBytes: number;
  uncompressedBytes: number;
  members: number;
  memory: {
    peakRssDeltaMb: number;
    peakHeapUsedDeltaMb: number;
    peakExternalDeltaMb: number;
    baselineRssMb: number;
    samples: number;
  };
}

/**
 * Issue "Groups": PATCH +100 members on a big vs an empty group, GET without members on a big vs an
 * empty group, `replace` of 10k members over 10k others, and GET of a 100k-member group with gzip.
 */
export async function groupsBenchmark({ seeder, timed, log }: BenchContext) {
  const t = TENANTS.groups;
  log(`seeding ${SIZES.groupTenantUsers} users in ${t}`);
  const seedStart = performance.now();
  const users = await seeder.users(t, 0, SIZES.groupTenantUsers, (done) =>
    log(
      `  seeding: ${done} / ${SIZES.groupTenantUsers} users (${Math.round(done / ((performance.now() - seedStart) / 1000))} users/s)`,
    ),
  );
  log(`  seeded in ${round((performance.now() - seedStart) / 1000, 1)} s`);
  const seedGroup = async (name: string, members: SeededUser[]) => {
    const started = performance.now();
    const group = await seeder.group(t, name, members.length);
    await seeder.members(t, group.id, members, (done) =>
      log(
        `  seeding "${name}": ${done} / ${members.length} members (${Math.round(done / ((performance.now() - started) / 1000))}/s)`,
      ),
    );
    log(
      `  group "${name}": ${members.length} members in ${round((performance.now() - started) / 1000, 1)} s`,
    );
    return group;
  };
  log('seeding groups and member edges');
  const groupSeedStart = performance.now();
  const huge = await seedGroup('All employees', users.slice(0, SIZES.hugeGroup));
  const half = await seedGroup('Half of everyone', users.slice(0, SIZES.excludeGroup));
  const patchTarget = await seedGroup('Engineering', users.slice(0, SIZES.patchGroup));
  const replaceTarget = await seedGroup('Replace target', users.slice(0, SIZES.replaceOthers));
  const empty = await seedGroup('Empty', []);
  const emptyForPatch = await seedGroup('Empty for PATCH', []);
  const groupSeedSeconds = round((performance.now() - groupSeedStart) / 1000, 1);

  // GET without members: the group item alone, whatever the group's size.
  log(`GET /Groups/{id}?excludedAttributes=members: ${EXCLUDE_RUNS} runs each, interleaved`);
  const getExcluded = (id: string) => timed(t, 'GET', `/Groups/${id}?excludedAttributes=members`, 200);
  for (let i = 0; i < EXCLUDE_WARMUP; i++) {
    await getExcluded(half.id);
    await getExcluded(empty.id);
  }
  const excludedBig: Timed[] = [];
  const excludedEmpty: Timed[] = [];
  for (let i = 0; i < EXCLUDE_RUNS; i++) {
    excludedBig.push(await getExcluded(half.id));
    excludedEmpty.push(await getExcluded(empty.id));
  }
  if ('members' in excludedBig[0].response.json()) {
    throw new Error('excludedAttributes=members still returned members');
  }

  // PATCH +100 members: fresh users each run (members of neither group), removed again right after
  // so both groups keep their size. The sides alternate which goes first.
  log(`PATCH +${PATCH_MEMBERS} members: ${PATCH_RUNS} runs (+${PATCH_WARMUP} warm-up) on each group`);
  const patchMembers = (groupId: string, op: 'add' | 'remove', ids: string[]) =>
    timed(t, 'PATCH', `/Groups/${groupId}`, 204, {
      schemas: [PATCH_OP],
      Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }],
    });
  const adds = { big: [] as Timed[], empty: [] as Timed[] };
  const removes = { big: [] as Timed[], empty: [] as Timed[] };
  const patchStart = performance.now();
  let patchProgress = patchStart;
  for (let run = 0; run < PATCH_WARMUP + PATCH_RUNS; run++) {
    if (performance.now() - patchProgress >= 5000) {
      patchProgress = performance.now();
      const rate = round((run * 4) / ((patchProgress - patchStart) / 1000), 1);
      log(`  PATCH: run ${run} / ${PATCH_WARMUP + PATCH_RUNS} (${rate} PATCHes/s)`);
    }
    const from = SIZES.patchGroup + run * PATCH_MEMBERS;
    const ids = users.slice(from, from + PATCH_MEMBERS).map((u) => u.id);
    if (ids.length < PATCH_MEMBERS) throw new Error('not enough users for fresh PATCH ids');
    const order: ['big' | 'empty', string][] = [
      ['big', patchTarget.id],
      ['empty', emptyForPatch.id],
    ];
    if (run % 2 === 1) order.reverse();
    for (const [side, groupId] of order) {
      const add = await patchMembers(groupId, 'add', ids);
      const remove = await patchMembers(groupId, 'remove', ids);
      if (run >= PATCH_WARMUP) {
        adds[side].push(add);
        removes[side].push(remove);
      }
    }
  }
  const patchCount = await seeder.memberCount(t, patchTarget.id);
  const emptyCount = await seeder.memberCount(t, emptyForPatch.id);
  if (patchCount !== SIZES.patchGroup || emptyCount !== 0) {
    throw new Error(
      `memberCount after the PATCH runs: ${patchCount} (want ${SIZES.patchGroup}), ${emptyCount} (want 0)`,
    );
  }

  // replace of the whole member set: 10k new members over 10k others (Okta's "push group" resync).
  const newMembers = users
    .slice(SIZES.replaceOthers, SIZES.replaceOthers + SIZES.replaceNew)
    .map((u) => u.id);
  log(`PATCH replace members: ${newMembers.length} new over ${SIZES.replaceOthers} others`);
  const replace = await timed(t, 'PATCH', `/Groups/${replaceTarget.id}`, [200, 204], {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'members', value: newMembers.map((value) => ({ value })) }],
  });
  log(`  ${round(replace.ms / 1000, 1)} s`);
  const afterReplace = await timed(t, 'GET', `/Groups/${replaceTarget.id}?attributes=members`, 200);
  const replacedIds = new Set(
    ((afterReplace.response.json().members ?? []) as { value: string }[]).map((m) => m.value),
  );
  const replaceCount = await seeder.memberCount(t, replaceTarget.id);
  const replaceCorrect =
    replacedIds.size === newMembers.length &&
    newMembers.every((id) => replacedIds.has(id)) &&
    replaceCount === newMembers.length;

  // Okta's "push now" resends the whole set: the same members again cost a scan, no writes.
  log(`PATCH replace members: the same ${newMembers.length} again (resync)`);
  const resync = await timed(t, 'PATCH', `/Groups/${replaceTarget.id}`, [200, 204], {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'members', value: newMembers.map((value) => ({ value })) }],
  });
  log(`  ${round(resync.ms / 1000, 1)} s`);
  const resyncCorrect = (await seeder.memberCount(t, replaceTarget.id)) === newMembers.length;

  // GET of the huge group with its members and gzip; memory sampled in this (the handler's) process.
  log(`GET /Groups/{id} of ${SIZES.hugeGroup} members with gzip: ${HUGE_GET_RUNS} runs`);
  const hugeRuns: HugeGetRun[] = [];
  for (let run = 0; run < HUGE_GET_RUNS; run++) {
    const { result, memory } = await measurePeakMemory(() => timed(t, 'GET', `/Groups/${huge.id}`, 200));
    const text = result.response.text();
    const members = (JSON.parse(text).members ?? []).length;
    hugeRuns.push({
      seconds: round(result.ms / 1000, 2),
      contentEncoding: String(result.response.headers['content-encoding'] ?? 'identity'),
      wireBytes: result.response.wireBytes,
      uncompressedBytes: Buffer.byteLength(text),
      members,
      ...costOf(result.db),
      memory: {
        peakRssDeltaMb: round(memory.peakRssDeltaMb, 1),
        peakHeapUsedDeltaMb: round(memory.peakHeapUsedDeltaMb, 1),
        peakExternalDeltaMb: round(memory.peakExternalDeltaMb, 1),
        baselineRssMb: round(memory.baselineRssMb, 0),
        samples: memory.samples,
      },
    });
    log(
      `  run ${run + 1}: ${round(result.ms / 1000, 2)} s, ${result.response.wireBytes} bytes, ${members} members`,
    );
  }
  const hugeMedian = [...hugeRuns].sort((a, b) => a.seconds - b.seconds)[Math.floor(hugeRuns.length / 2)];

  return {
    groupSeedSeconds,
    excludedMembers: { big: summarize(excludedBig), empty: summarize(excludedEmpty) },
    patchAdd: { big: summarize(adds.big), empty: summarize(adds.empty) },
    patchRemove: { big: summarize(removes.big), empty: summarize(removes.empty) },
    replace: {
      seconds: round(replace.ms / 1000, 2),
      status: replace.response.status,
      correct: replaceCorrect,
      membersAfter: replacedIds.size,
      memberCountAfter: replaceCount,
      ...costOf(replace.db),
    },
    resync: {
      seconds: round(resync.ms / 1000, 2),
      status: resync.response.status,
      correct: resyncCorrect,
      ...costOf(resync.db),
    },
    hugeGet: {
      median: hugeMedian,
      maxPeakRssDeltaMb: Math.max(...hugeRuns.map((r) => r.memory.peakRssDeltaMb)),
      maxPeakHeapUsedDeltaMb: Math.max(...hugeRuns.map((r) => r.memory.peakHeapUsedDeltaMb)),
      maxPeakExternalDeltaMb: Math.max(...hugeRuns.map((r) => r.memory.peakExternalDeltaMb)),
      runs: hugeRuns,
    },
  };
}

export type GroupsResults = Awaited<ReturnType<typeof groupsBenchmark>>;
