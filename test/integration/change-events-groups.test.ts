import type { ChangeEvent } from '../../lambdas/domain/change-events';
import { startTestService, type TestService } from '../support/service';
import { memberOf, publishedEvents, summary, waitForEvents } from './change-events-helpers';
import {
  createGroup,
  createUsers,
  GROUP,
  ids,
  newTenant,
  PATCH_OP,
  patchGroup,
  USER,
} from './groups-helpers';

/** Change events of groups and their members (docs/events.md), through HTTP and the local stream. */
// Hundreds of users, then their events through the local stream: slow when the whole suite shares the CPU.
jest.setTimeout(180_000);

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ streams: true });
});
afterAll(async () => {
  await service.stop();
});

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const sorted = (values: string[]) => [...values].sort();
const ofType = (events: ChangeEvent[], type: string) => events.filter((e) => e.type === type);

describe('group events', () => {
  test('create with members, rename, add, remove, delete', async () => {
    const t = await newTenant(service, 'ev-group');
    const users = await createUsers(t, 3);
    const start = (await waitForEvents(service, t.tenantId, 3)).at(-1)?.eventId;

    const group = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Eng',
      externalId: 'grp-1',
      members: [{ value: users[0].id }, { value: users[1].id }],
    });
    expect(group.status).toBe(201);
    const created = await waitForEvents(service, t.tenantId, 3, start);
    expect(created[0]).toEqual(
      expect.objectContaining({
        type: 'group.created',
        resource: { type: 'Group', id: group.body.id, externalId: 'grp-1' },
        changes: {
          displayName: { before: null, after: 'Eng' },
          externalId: { before: null, after: 'grp-1' },
        },
      }),
    );
    const added = created.slice(1);
    expect(added.map((e) => e.type)).toEqual(['group.member_added', 'group.member_added']);
    expect(sorted(added.map(memberOf))).toEqual(sorted([users[0].id, users[1].id]));
    expect(added.every((e) => e.resource.externalId === 'grp-1')).toBe(true);
    // One request: one requestId on all three.
    expect(new Set(created.map((e) => e.requestId)).size).toBe(1);

    let mark = created.at(-1)?.eventId;
    await patchGroup(t, group.body.id, { op: 'replace', path: 'displayName', value: 'Engineering' });
    const [renamed] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(renamed.type).toBe('group.updated');
    expect(renamed.changes).toEqual({ displayName: { before: 'Eng', after: 'Engineering' } });

    mark = renamed.eventId;
    await patchGroup(t, group.body.id, { op: 'add', path: 'members', value: [{ value: users[2].id }] });
    await patchGroup(t, group.body.id, { op: 'remove', path: `members[value eq "${users[0].id}"]` });
    // Adding a member that is already there changes nothing: no event.
    await patchGroup(t, group.body.id, { op: 'add', path: 'members', value: [{ value: users[2].id }] });
    const moves = await waitForEvents(service, t.tenantId, 2, mark);
    expect(moves.map((e) => [e.type, memberOf(e)])).toEqual([
      ['group.member_added', users[2].id],
      ['group.member_removed', users[0].id],
    ]);
    expect(moves[1].changes).toEqual({ member: { before: { value: users[0].id }, after: null } });

    mark = moves.at(-1)?.eventId;
    expect((await t.call('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    // group.deleted ends both memberships: no member event for them.
    const [deleted] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(deleted).toEqual(
      expect.objectContaining({
        type: 'group.deleted',
        resource: { type: 'Group', id: group.body.id, externalId: 'grp-1' },
      }),
    );
    expect(deleted.changes.displayName).toEqual({ before: 'Engineering', after: null });
  });

  test('a user delete yields a member_removed per group, then user.deleted', async () => {
    const t = await newTenant(service, 'ev-userdel');
    const [user] = await createUsers(t, 1);
    const g1 = await createGroup(t, 'One', [user.id]);
    const g2 = await createGroup(t, 'Two', [user.id]);
    const mark = (await waitForEvents(service, t.tenantId, 5)).at(-1)?.eventId;
    expect((await t.call('DELETE', `/Users/${user.id}`)).status).toBe(204);
    const events = await waitForEvents(service, t.tenantId, 3, mark);
    expect(
      events.slice(0, 2).every((e) => e.type === 'group.member_removed' && memberOf(e) === user.id),
    ).toBe(true);
    expect(sorted(events.slice(0, 2).map((e) => e.resource.id))).toEqual(sorted([g1.id, g2.id]));
    expect(events[2]).toEqual(expect.objectContaining({ type: 'user.deleted' }));
    expect(new Set(events.map((e) => e.requestId)).size).toBe(1);
  });

  test('a replace of a few hundred members: exactly one event per member that changed', async () => {
    const t = await newTenant(service, 'ev-replace');
    const users = await createUsers(t, 200);
    const staying = users.slice(0, 60);
    const leaving = users.slice(60, 130);
    const joining = users.slice(130);
    const group = await createGroup(t, 'Big', ids([...staying, ...leaving]));
    const mark = (await waitForEvents(service, t.tenantId, 200 + 1 + 130)).at(-1)?.eventId;

    const put = await t.call('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP],
      displayName: 'Big',
      members: [...staying, ...joining].map((u) => ({ value: u.id })),
    });
    expect(put.status).toBe(200);
    const events = await waitForEvents(service, t.tenantId, leaving.length + joining.length, mark);
    expect(sorted(ofType(events, 'group.member_removed').map(memberOf))).toEqual(sorted(ids(leaving)));
    expect(sorted(ofType(events, 'group.member_added').map(memberOf))).toEqual(sorted(ids(joining)));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    // The attributes did not change: no group.updated.
    expect(ofType(events, 'group.updated')).toEqual([]);
  });

  test('PATCH replace of members yields adds and removes only for the difference', async () => {
    const t = await newTenant(service, 'ev-patchrep');
    const users = await createUsers(t, 4);
    const group = await createGroup(t, 'Ops', ids(users.slice(0, 2)));
    const mark = (await waitForEvents(service, t.tenantId, 7)).at(-1)?.eventId;
    await patchGroup(t, group.id, {
      op: 'replace',
      path: 'members',
      value: [{ value: users[1].id }, { value: users[2].id }, { value: users[3].id }],
    });
    const events = await waitForEvents(service, t.tenantId, 3, mark);
    expect(ofType(events, 'group.member_removed').map(memberOf)).toEqual([users[0].id]);
    expect(sorted(ofType(events, 'group.member_added').map(memberOf))).toEqual(
      sorted([users[2].id, users[3].id]),
    );
  });

  test('Bulk: each operation its events', async () => {
    const t = await newTenant(service, 'ev-bulk');
    const response = await t.call('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'al',
          data: { schemas: [USER], userName: 'al@example.com' },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'team',
          data: { schemas: [GROUP], displayName: 'Team', members: [{ value: 'bulkId:al' }] },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:al',
          data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
        },
      ],
    });
    expect(response.status).toBe(200);
    const events = await waitForEvents(service, t.tenantId, 4);
    expect(events.map((e) => e.type)).toEqual([
      'user.created',
      'group.created',
      'group.member_added',
      'user.deactivated',
    ]);
    // One Bulk request: one requestId.
    expect(new Set(events.map((e) => e.requestId)).size).toBe(1);
  });

  test('PutEvents refusing entries: retried, none lost, none stored twice', async () => {
    const t = await newTenant(service, 'ev-refused');
    const users = await createUsers(t, 20);
    const mark = (await waitForEvents(service, t.tenantId, 20)).at(-1)?.eventId;
    const received = service.eventBus?.received() ?? 0;
    service.eventBus?.failNext(7);
    await createGroup(t, 'Refused', ids(users));
    const events = await waitForEvents(service, t.tenantId, 21, mark);
    expect(sorted(ofType(events, 'group.member_added').map(memberOf))).toEqual(sorted(ids(users)));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(21);
    // The refused entries were put again.
    expect((service.eventBus?.received() ?? 0) - received).toBeGreaterThanOrEqual(21 + 7);
    expect(service.failedStreamRecords).toEqual([]);
    expect((await publishedEvents(service, t.tenantId)).map(summary)).toHaveLength(41);
  });
});
