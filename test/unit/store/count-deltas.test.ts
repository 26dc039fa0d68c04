import { countedGroup, deltaItem, deltaOf, groupOfDelta } from '../../../lambdas/store/count-deltas';
import { keys } from '../../../lambdas/store/keys';

/** The pure part of the member count (lambdas/store/count-deltas.ts): what a reader makes of the partition. */
const group = (extra: Record<string, unknown> = {}) => ({
  ...keys.group('acme', 'g1'),
  memberCount: 10,
  version: 4,
  lastModified: '2026-01-01T00:00:00.000Z',
  ...extra,
});

test('pending deltas add to the count, one version each, and move lastModified to the latest', () => {
  const state = countedGroup(group(), [
    { id: 'a', delta: 32, at: '2026-01-02T00:00:00.000Z' },
    { id: 'b', delta: -3, at: '2026-01-03T00:00:00.000Z' },
  ]);
  expect(state).toMatchObject({ memberCount: 39, version: 6, lastModified: '2026-01-03T00:00:00.000Z' });
  expect(state.pending.map((d) => d.id)).toEqual(['a', 'b']);
});

test('without deltas the group item is the state', () => {
  expect(countedGroup(group(), [])).toEqual({
    memberCount: 10,
    version: 4,
    lastModified: '2026-01-01T00:00:00.000Z',
    pending: [],
  });
  expect(countedGroup(group({ memberCount: undefined }), []).memberCount).toBe(0);
});

test('deltas the last fold counted are ignored while they wait for their delete', () => {
  const deltas = [
    { id: 'a', delta: 5 },
    { id: 'b', delta: 7 },
  ];
  // Before the fold: both pending. After it (count and version moved, ids listed): none pending.
  const before = countedGroup(group(), deltas);
  const after = countedGroup(group({ memberCount: 22, version: 6, foldedDeltas: ['a', 'b'] }), deltas);
  expect(after).toEqual({ ...before, pending: [] });
  // A fold changes nothing a reader sees, whether the deltas are still there or already deleted.
  expect(countedGroup(group({ memberCount: 22, version: 6, foldedDeltas: ['a', 'b'] }), [])).toEqual(after);
  // A delta written after that fold is pending.
  expect(
    countedGroup(group({ memberCount: 22, version: 6, foldedDeltas: ['a'] }), [{ id: 'c', delta: 1 }]),
  ).toMatchObject({ memberCount: 23, version: 7 });
});

test('an older lastModified on a delta does not move it back; deltas without a time leave it', () => {
  const state = countedGroup(group(), [
    { id: 'a', delta: 1, at: '2025-12-31T00:00:00.000Z' },
    { id: 'b', delta: 1 },
  ]);
  expect(state.lastModified).toBe('2026-01-01T00:00:00.000Z');
});

test('a delta item names its group and reads back as written', () => {
  const item = deltaItem('acme', 'g1', -4, '2026-01-02T00:00:00.000Z');
  expect(item.pk).toBe(keys.groupPartition('acme', 'g1'));
  expect(item.sk.startsWith(keys.countDeltaPrefix)).toBe(true);
  expect(deltaOf(item)).toEqual({ id: item.sk.slice(6), delta: -4, at: '2026-01-02T00:00:00.000Z' });
  expect(groupOfDelta(item)).toEqual({ tenantId: 'acme', groupId: 'g1' });
  // Deltas written before the item named its group: from the key.
  const legacy = { ...keys.countDelta('acme-2', 'g-9', 'x'), type: 'countDelta', delta: 1 };
  expect(groupOfDelta(legacy)).toEqual({ tenantId: 'acme-2', groupId: 'g-9' });
  expect(deltaOf(legacy)).toEqual({ id: 'x', delta: 1 });
  expect(() => groupOfDelta({ pk: 'T#acme#U#u1' })).toThrow();
});
