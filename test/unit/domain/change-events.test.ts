import fc from 'fast-check';
import {
  type ChangeEvent,
  canonical,
  changeEventsOf,
  eventIdOf,
  flatten,
  type StoredChange,
  withinSize,
} from '../../../lambdas/domain/change-events';
import type { GroupRecord } from '../../../lambdas/domain/group-record';
import { sourceOf } from '../../../lambdas/domain/idp';
import type { UserRecord } from '../../../lambdas/domain/user-record';
import { eventSchemaErrors, loadEventSchemas } from '../../support/event-schemas';

const schemas = loadEventSchemas();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const origin = { requestId: 'req-1', idp: 'entra', tokenId: 'tok-1' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function user(attributes: Record<string, unknown>, version = 1): UserRecord {
  return {
    tenantId: 'acme',
    id: 'u1',
    userName: String(attributes.userName ?? 'ann@example.com'),
    attributes: { userName: 'ann@example.com', ...attributes },
    active: attributes.active === true,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: `2026-01-01T00:00:0${version}.000Z`,
    version,
    source: sourceOf('okta'),
  };
}

function group(displayName: string, attributes: Record<string, unknown> = {}, version = 1): GroupRecord {
  return {
    tenantId: 'acme',
    id: 'g1',
    displayName,
    attributes,
    memberCount: 0,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version,
    source: sourceOf('onelogin'),
  };
}

/** The events, each checked against its JSON Schema of docs/events.md. */
function events(change: StoredChange): ChangeEvent[] {
  const found = changeEventsOf(change);
  for (const event of found) expect(eventSchemaErrors(schemas, event)).toEqual([]);
  return found;
}

describe('users', () => {
  test('an insert is user.created with every attribute, before null, and the write origin', () => {
    const after = user({ active: true, name: { givenName: 'Ann' }, externalId: 'x-1' });
    const [event] = events({ kind: 'user', after, origin });
    expect(event).toEqual({
      eventId: eventIdOf('acme', 'user/u1/v1'),
      type: 'user.created',
      tenantId: 'acme',
      resource: { type: 'User', id: 'u1', externalId: 'x-1' },
      changes: {
        userName: { before: null, after: 'ann@example.com' },
        active: { before: null, after: true },
        name: { before: null, after: { givenName: 'Ann' } },
        externalId: { before: null, after: 'x-1' },
      },
      idp: 'entra',
      occurredAt: after.lastModified,
      requestId: 'req-1',
    });
  });

  test('a write that changed no attribute (version, lastModified, origin only) yields nothing', () => {
    const before = user({ active: true, name: { givenName: 'Ann', familyName: 'Lee' } });
    const after = user({ active: true, name: { familyName: 'Lee', givenName: 'Ann' } }, 2);
    expect(events({ kind: 'user', before, after, origin })).toEqual([]);
  });

  test('active true -> false alone is user.deactivated with only active', () => {
    const [event] = events({
      kind: 'user',
      before: user({ active: true }),
      after: user({ active: false }, 2),
      origin,
    });
    expect(event.type).toBe('user.deactivated');
    expect(event.changes).toEqual({ active: { before: true, after: false } });
  });

  test('active removed (unassigned) is a deactivation too', () => {
    const [event] = events({ kind: 'user', before: user({ active: true }), after: user({}, 2), origin });
    expect(event.type).toBe('user.deactivated');
    expect(event.changes).toEqual({ active: { before: true, after: null } });
  });

  test('active with other attributes is one event carrying every change', () => {
    const found = events({
      kind: 'user',
      before: user({ active: false, title: 'Intern' }),
      after: user({ active: true, title: 'Engineer', nickName: 'A' }, 2),
      origin,
    });
    expect(found).toHaveLength(1);
    expect(found[0].type).toBe('user.reactivated');
    expect(found[0].changes).toEqual({
      active: { before: false, after: true },
      title: { before: 'Intern', after: 'Engineer' },
      nickName: { before: null, after: 'A' },
    });
  });

  test('other attribute changes are user.updated with only what changed', () => {
    const [event] = events({
      kind: 'user',
      before: user({ active: true, emails: [{ value: 'a@x.org' }], title: 'A' }),
      after: user({ active: true, emails: [{ value: 'b@x.org' }], title: 'A' }, 2),
      origin,
    });
    expect(event.type).toBe('user.updated');
    expect(event.eventId).toBe(eventIdOf('acme', 'user/u1/v2'));
    expect(event.changes).toEqual({
      emails: { before: [{ value: 'a@x.org' }], after: [{ value: 'b@x.org' }] },
    });
  });

  test('extension attributes are named by their full path', () => {
    const [event] = events({
      kind: 'user',
      before: user({ active: true, [ENTERPRISE]: { employeeNumber: '1', department: 'R&D' } }),
      after: user({ active: true, [ENTERPRISE]: { employeeNumber: '2', department: 'R&D' } }, 2),
      origin,
    });
    expect(event.changes).toEqual({ [`${ENTERPRISE}:employeeNumber`]: { before: '1', after: '2' } });
  });

  test('never a password, id, meta, schemas or groups, not even in an extension', () => {
    const [event] = events({
      kind: 'user',
      after: user({
        active: true,
        password: 'hunter2',
        id: 'x',
        meta: {},
        schemas: [],
        groups: [],
        [ENTERPRISE]: { password: 'hunter3', manager: { value: 'm' } },
      }),
      origin,
    });
    expect(JSON.stringify(event)).not.toMatch(/hunter|"password"/);
    expect(Object.keys(event.changes).sort()).toEqual(['active', `${ENTERPRISE}:manager`, 'userName']);
  });

  test('the REMOVE of the user item yields nothing (its tombstone is user.deleted)', () => {
    expect(events({ kind: 'user', before: user({ active: true }) })).toEqual([]);
  });

  test('without an origin: the idp of the source, requestId null', () => {
    const [event] = events({ kind: 'user', after: { ...user({}), source: sourceOf('pingone') } });
    expect(event).toEqual(expect.objectContaining({ idp: 'pingone', requestId: null }));
  });
});

describe('groups', () => {
  test('an insert is group.created with displayName and its attributes, never members', () => {
    const [event] = events({
      kind: 'group',
      after: group('Eng', { externalId: 'e-1', members: [] }),
      origin,
    });
    expect(event.type).toBe('group.created');
    expect(event.resource).toEqual({ type: 'Group', id: 'g1', externalId: 'e-1' });
    expect(event.changes).toEqual({
      displayName: { before: null, after: 'Eng' },
      externalId: { before: null, after: 'e-1' },
    });
  });

  test('a fold (memberCount, version, lastModified) yields nothing; a rename is group.updated', () => {
    const before = group('Eng');
    expect(events({ kind: 'group', before, after: { ...before, memberCount: 5, version: 6 } })).toEqual([]);
    const [renamed] = events({ kind: 'group', before, after: group('Engineering', {}, 7), origin });
    expect(renamed.type).toBe('group.updated');
    expect(renamed.changes).toEqual({ displayName: { before: 'Eng', after: 'Engineering' } });
    expect(renamed.eventId).toBe(eventIdOf('acme', 'group/g1/v7'));
  });

  test('without an origin the idp is the creator source', () => {
    const [event] = events({ kind: 'group', after: group('Eng') });
    expect(event.idp).toBe('onelogin');
  });
});

describe('member deltas', () => {
  const delta: StoredChange = {
    kind: 'membership',
    tenantId: 'acme',
    groupId: 'g1',
    deltaId: 'd1',
    added: ['u1', 'u2'],
    removed: ['u3'],
    at: '2026-01-02T00:00:00.000Z',
    externalId: 'e-1',
    origin,
  };

  test('one event per member removed and added, with its member', () => {
    const found = events(delta);
    expect(found.map((e) => [e.type, e.changes])).toEqual([
      ['group.member_removed', { member: { before: { value: 'u3' }, after: null } }],
      ['group.member_added', { member: { before: null, after: { value: 'u1' } } }],
      ['group.member_added', { member: { before: null, after: { value: 'u2' } } }],
    ]);
    expect(found.every((e) => e.occurredAt === delta.at && e.requestId === 'req-1')).toBe(true);
    expect(found[1].eventId).toBe(eventIdOf('acme', 'delta/g1/d1/u1/added'));
    expect(new Set(found.map((e) => e.eventId)).size).toBe(3);
  });

  test('a delta of an old request (no edges) yields nothing; an unknown externalId is null', () => {
    expect(events({ ...delta, added: [], removed: [] })).toEqual([]);
    const [event] = events({ ...delta, externalId: undefined, removed: [], added: ['u1'] });
    expect(event.resource.externalId).toBeNull();
  });
});

describe('deletions', () => {
  test('a user tombstone is user.deleted with every attribute, after null', () => {
    const [event] = events({
      kind: 'deletion',
      tenantId: 'acme',
      resourceType: 'User',
      id: 'u1',
      externalId: 'x-1',
      attributes: { userName: 'ann@example.com', active: true, externalId: 'x-1' },
      sourceIdp: 'okta',
      at: '2026-01-03T00:00:00.000Z',
      origin,
    });
    expect(event).toEqual(
      expect.objectContaining({
        eventId: eventIdOf('acme', 'user/u1/deleted'),
        type: 'user.deleted',
        occurredAt: '2026-01-03T00:00:00.000Z',
        idp: 'entra',
        changes: {
          userName: { before: 'ann@example.com', after: null },
          active: { before: true, after: null },
          externalId: { before: 'x-1', after: null },
        },
      }),
    );
  });

  test('a group tombstone is group.deleted; without an origin its idp is the source', () => {
    const [event] = events({
      kind: 'deletion',
      tenantId: 'acme',
      resourceType: 'Group',
      id: 'g1',
      externalId: null,
      attributes: { displayName: 'Eng' },
      sourceIdp: 'jumpcloud',
      at: '2026-01-03T00:00:00.000Z',
    });
    expect(event).toEqual(
      expect.objectContaining({ type: 'group.deleted', idp: 'jumpcloud', requestId: null }),
    );
  });
});

describe('event ids', () => {
  test('UUID-shaped, deterministic, and different per tenant and subject', () => {
    expect(eventIdOf('acme', 'user/u1/v1')).toMatch(UUID);
    expect(eventIdOf('acme', 'user/u1/v1')).toBe(eventIdOf('acme', 'user/u1/v1'));
    expect(eventIdOf('acme', 'user/u1/v1')).not.toBe(eventIdOf('beta', 'user/u1/v1'));
    expect(eventIdOf('acme', 'user/u1/v1')).not.toBe(eventIdOf('acme', 'user/u1/v2'));
  });
});

describe('properties', () => {
  const names = fc.constantFrom('title', 'nickName', 'locale', 'password', 'id', 'emails', 'name', 'groups');
  const values = fc.oneof(
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.record({ value: fc.string({ maxLength: 3 }) }), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ maxLength: 2 })),
  );
  const attributes = fc.dictionary(names, values, { maxKeys: 6 });
  const active = fc.option(fc.boolean(), { nil: undefined });

  test('a modify yields at most one event, naming exactly the paths that differ, never a secret', () => {
    fc.assert(
      fc.property(attributes, attributes, active, active, (a, b, activeA, activeB) => {
        const before = user({ ...a, ...(activeA === undefined ? {} : { active: activeA }) });
        const after = user({ ...b, ...(activeB === undefined ? {} : { active: activeB }) }, 2);
        const found = events({ kind: 'user', before, after, origin });
        const was = flatten(before.attributes);
        const is = flatten(after.attributes);
        const differing = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter(
          (path) => canonical(was[path] ?? null) !== canonical(is[path] ?? null),
        );
        expect(found.length).toBeLessThanOrEqual(1);
        if (found.length === 0) {
          expect(differing).toEqual([]);
          return;
        }
        expect(Object.keys(found[0].changes).sort()).toEqual(differing.sort());
        for (const path of Object.keys(found[0].changes)) {
          expect(['password', 'id', 'groups']).not.toContain(path);
        }
        const flipped = before.active !== after.active;
        expect(found[0].type).toBe(
          flipped ? (after.active ? 'user.reactivated' : 'user.deactivated') : 'user.updated',
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a redelivered record derives the very same events', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uuid(), { maxLength: 20 }),
        fc.array(fc.uuid(), { maxLength: 20 }),
        (added, removed) => {
          const change: StoredChange = {
            kind: 'membership',
            tenantId: 't',
            groupId: 'g',
            deltaId: 'd',
            added,
            removed,
            at: '2026-01-01T00:00:00.000Z',
            externalId: null,
          };
          const first = events(change);
          expect(changeEventsOf(change)).toEqual(first);
          expect(first).toHaveLength(added.length + removed.length);
        },
      ),
    );
  });
});

describe('size', () => {
  test('an event over the limit has its largest values omitted, keeping every path', () => {
    const [event] = changeEventsOf({
      kind: 'user',
      before: user({ active: true, title: 'a', nickName: 'x'.repeat(5000) }),
      after: user({ active: true, title: 'b', nickName: 'y'.repeat(5000) }, 2),
      origin,
    });
    const bounded = withinSize(event, 6000);
    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThanOrEqual(6000);
    expect(Object.keys(bounded.changes).sort()).toEqual(['nickName', 'title']);
    expect(bounded.changes.title).toEqual({ before: 'a', after: 'b' });
    expect(bounded.changes.nickName.before).toEqual({ $omitted: 'tooLarge', bytes: 5002 });
    expect(eventSchemaErrors(schemas, bounded)).toEqual([]);
    expect(withinSize(event, 1_000_000)).toBe(event);
  });
});
