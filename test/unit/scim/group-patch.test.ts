import { ScimError } from '../../../lambdas/scim/errors';
import { applyPatch, PATCH_OP_SCHEMA, parsePatchRequest, planGroupPatch } from '../../../lambdas/scim/patch';
import { GROUP_SCHEMA_URN, groupResourceSchema } from '../../../lambdas/scim/schemas';

const scimError = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

const expectScimError = (fn: () => unknown, scimType: string) => {
  const error = scimError(fn);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
  return error;
};

/** Parses a PatchOp body the way the route does, then plans it. */
const plan = (...operations: unknown[]) =>
  planGroupPatch(parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }));

describe('planGroupPatch: Okta', () => {
  it('splits the rename and the membership changes Okta sends in one request', () => {
    const result = plan(
      { op: 'replace', value: { id: 'g-1', displayName: 'Engineering' } },
      { op: 'remove', path: 'members[value eq "u-1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u-2', display: 'bob@example.com' }] },
    );

    expect(result.memberChanges).toEqual([
      { kind: 'remove', ids: ['u-1'] },
      { kind: 'add', ids: ['u-2'] },
    ]);
    expect(result.otherOperations).toEqual([
      { op: 'replace', value: { id: 'g-1', displayName: 'Engineering' } },
    ]);
  });

  it('turns "Push now" into a replace of the member set', () => {
    const result = plan({ op: 'replace', path: 'members', value: [{ value: 'u-1' }, { value: 'u-2' }] });

    expect(result.memberChanges).toEqual([{ kind: 'replace', ids: ['u-1', 'u-2'] }]);
    expect(result.otherOperations).toEqual([]);
  });

  it('turns "Push now" with [] into a replace with no ids (the group is emptied, not a 400)', () => {
    expect(plan({ op: 'replace', path: 'members', value: [] }).memberChanges).toEqual([
      { kind: 'replace', ids: [] },
    ]);
  });

  it('handles 1,000 membership operations in one request', () => {
    const operations = Array.from({ length: 1000 }, (_, i) => ({
      op: 'add',
      path: 'members',
      value: [{ value: `u-${i}` }],
    }));

    expect(plan(...operations).memberChanges).toHaveLength(1000);
  });
});

describe('planGroupPatch: Entra', () => {
  it('reads Add members with "$ref": null', () => {
    const result = plan({
      op: 'Add',
      path: 'members',
      value: [{ $ref: null, value: 'f648f8d5-ea3e-4ce4-aa87-6e8b6d6d7bd7' }],
    });

    expect(result.memberChanges).toEqual([{ kind: 'add', ids: ['f648f8d5-ea3e-4ce4-aa87-6e8b6d6d7bd7'] }]);
  });

  it('removes only the listed members on Remove members with a value', () => {
    const result = plan({
      op: 'Remove',
      path: 'members',
      value: [{ $ref: null, value: 'u-1' }, { value: 'u-2' }],
    });

    expect(result.memberChanges).toEqual([{ kind: 'remove', ids: ['u-1', 'u-2'] }]);
  });

  it('passes Replace displayName through to the other operations', () => {
    const result = plan({ op: 'Replace', path: 'displayName', value: 'New name' });

    expect(result.memberChanges).toEqual([]);
    expect(result.otherOperations).toEqual([{ op: 'replace', path: 'displayName', value: 'New name' }]);
  });
});

describe('planGroupPatch: RFC 7644 §3.5.2 shapes', () => {
  it('removes all members on remove members without a value', () => {
    expect(plan({ op: 'remove', path: 'members' }).memberChanges).toEqual([{ kind: 'removeAll' }]);
  });

  it('reads a path-less add with members and keeps the rest as another operation', () => {
    const result = plan({ op: 'add', value: { Members: [{ value: 'u-1' }], externalId: 'ext-1' } });

    expect(result.memberChanges).toEqual([{ kind: 'add', ids: ['u-1'] }]);
    expect(result.otherOperations).toEqual([{ op: 'add', value: { externalId: 'ext-1' } }]);
  });

  it('reads a path-less replace with members as a replace of the set', () => {
    const result = plan({ op: 'replace', value: { displayName: 'G', members: [{ value: 'u-3' }] } });

    expect(result.memberChanges).toEqual([{ kind: 'replace', ids: ['u-3'] }]);
    expect(result.otherOperations).toEqual([{ op: 'replace', value: { displayName: 'G' } }]);
  });

  it('drops a path-less operation left empty once members are taken out', () => {
    expect(plan({ op: 'add', value: { members: [{ value: 'u-1' }] } }).otherOperations).toEqual([]);
  });

  it('keeps the request order (a later remove of an added id wins)', () => {
    const result = plan(
      { op: 'add', path: 'members', value: [{ value: 'u-1' }] },
      { op: 'remove', path: 'members[value eq "u-1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u-2' }] },
    );

    expect(result.memberChanges).toEqual([
      { kind: 'add', ids: ['u-1'] },
      { kind: 'remove', ids: ['u-1'] },
      { kind: 'add', ids: ['u-2'] },
    ]);
  });

  it('reads an URN-qualified members path and a case-insensitive one', () => {
    const result = plan(
      { op: 'add', path: `${GROUP_SCHEMA_URN}:members`, value: [{ value: 'u-1' }] },
      { op: 'remove', path: 'MEMBERS[VALUE eq "u-2"]' },
    );

    expect(result.memberChanges).toEqual([
      { kind: 'add', ids: ['u-1'] },
      { kind: 'remove', ids: ['u-2'] },
    ]);
  });

  it('removes every id of an or-filter', () => {
    expect(plan({ op: 'remove', path: 'members[value eq "u-1" or value eq "u-2"]' }).memberChanges).toEqual([
      { kind: 'remove', ids: ['u-1', 'u-2'] },
    ]);
  });

  it('ignores display-only changes', () => {
    const result = plan(
      { op: 'replace', path: 'members[value eq "u-1"].display', value: 'Bob' },
      { op: 'replace', path: 'members[value eq "u-1"]', value: { value: 'u-1', display: 'Bob' } },
    );

    expect(result).toEqual({ memberChanges: [], otherOperations: [] });
  });

  it('de-duplicates the ids of one change', () => {
    expect(
      plan({ op: 'add', path: 'members', value: [{ value: 'u-1' }, { value: 'u-1' }] }).memberChanges,
    ).toEqual([{ kind: 'add', ids: ['u-1'] }]);
  });

  it.each([[[{ value: '' }]], [[{ value: 42 }]], [[{ display: 'no id' }]], [[null]]])(
    'rejects the members value %j with invalidValue',
    (value) => {
      expectScimError(() => plan({ op: 'add', path: 'members', value }), 'invalidValue');
    },
  );

  it('rejects a members filter that does not name ids with invalidFilter', () => {
    expectScimError(() => plan({ op: 'remove', path: 'members[display eq "Bob"]' }), 'invalidFilter');
  });

  it("rejects a change of a member's value (immutable, RFC 7643 §4.2)", () => {
    expectScimError(
      () => plan({ op: 'replace', path: 'members[value eq "u-1"].value', value: 'u-2' }),
      'mutability',
    );
  });

  it('rejects a malformed path with invalidPath', () => {
    expectScimError(() => plan({ op: 'remove', path: 'members[value eq "u-1"' }), 'invalidPath');
  });
});

describe('planGroupPatch then applyPatch', () => {
  it("applies Okta's rename to the group item without touching its id", () => {
    const { otherOperations } = plan(
      { op: 'replace', value: { id: 'g-1', displayName: 'Renamed', members: [{ value: 'u-1' }] } },
      { op: 'add', path: 'members', value: [{ value: 'u-2' }] },
    );

    const result = applyPatch({ id: 'g-1', displayName: 'Old' }, otherOperations, groupResourceSchema());

    expect(result.resource).toEqual({ id: 'g-1', displayName: 'Renamed' });
  });
});
