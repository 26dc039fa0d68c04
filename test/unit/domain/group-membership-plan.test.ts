import { netMembership } from '../../../lambdas/domain/groups';

const sorted = (set: Set<string>) => [...set].sort();

describe('netMembership (ordered member changes -> net plan)', () => {
  test("Okta's remove + add in one request", () => {
    const plan = netMembership([
      { kind: 'remove', ids: ['a'] },
      { kind: 'add', ids: ['b', 'c'] },
    ]);
    expect(sorted(plan.add)).toEqual(['b', 'c']);
    expect(sorted(plan.remove)).toEqual(['a']);
    expect(plan.removeOthers).toBe(false);
  });

  test('a later remove cancels an earlier add of the same member, and the other way round', () => {
    const plan = netMembership([
      { kind: 'add', ids: ['a', 'b'] },
      { kind: 'remove', ids: ['a'] },
      { kind: 'remove', ids: ['c'] },
      { kind: 'add', ids: ['c'] },
    ]);
    expect(sorted(plan.add)).toEqual(['b', 'c']);
    expect(sorted(plan.remove)).toEqual(['a']);
  });

  test('replace drops earlier changes and removes every other member', () => {
    const plan = netMembership([
      { kind: 'add', ids: ['x'] },
      { kind: 'replace', ids: ['a', 'b'] },
    ]);
    expect(sorted(plan.add)).toEqual(['a', 'b']);
    expect(plan.remove.size).toBe(0);
    expect(plan.removeOthers).toBe(true);
  });

  test('replace with [] empties the group', () => {
    const plan = netMembership([{ kind: 'replace', ids: [] }]);
    expect(plan.add.size).toBe(0);
    expect(plan.removeOthers).toBe(true);
  });

  test('remove after replace just leaves the member out of the new set', () => {
    const plan = netMembership([
      { kind: 'replace', ids: ['a', 'b'] },
      { kind: 'remove', ids: ['b'] },
    ]);
    expect(sorted(plan.add)).toEqual(['a']);
    expect(plan.remove.size).toBe(0);
  });

  test('removeAll then add keeps only the added', () => {
    const plan = netMembership([{ kind: 'removeAll' }, { kind: 'add', ids: ['z'] }]);
    expect(sorted(plan.add)).toEqual(['z']);
    expect(plan.removeOthers).toBe(true);
  });
});
