import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/store/keys';
import { startTestService, type TestService } from '../support/service';
import { lastEventId, publishedEvents, summary, UUID, waitForEvents } from './change-events-helpers';
import { newTenant, PATCH_OP, USER } from './groups-helpers';

/**
 * Change events of users (docs/events.md) through HTTP: the local stream poller runs the stream
 * consumer over DynamoDB Local's stream and the consumer puts the events on the local bus.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ streams: true });
});
afterAll(async () => {
  await service.stop();
});

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe('user events', () => {
  test('POST, PUT, PATCH (active false, then true with another attribute), no-op PATCH, DELETE', async () => {
    const t = await newTenant(service, 'ev-user');
    const userName = `ann-${randomUUID().slice(0, 6)}@example.com`;
    const created = await t.call('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      userName,
      password: 'S3cret-never-published!',
      active: true,
      name: { givenName: 'Ann' },
      externalId: 'okta-00u1',
      [ENTERPRISE]: { employeeNumber: '42' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const [createdEvent] = await waitForEvents(service, t.tenantId, 1);
    expect(createdEvent).toEqual({
      eventId: expect.stringMatching(UUID),
      type: 'user.created',
      tenantId: t.tenantId,
      resource: { type: 'User', id, externalId: 'okta-00u1' },
      changes: {
        userName: { before: null, after: userName },
        active: { before: null, after: true },
        name: { before: null, after: { givenName: 'Ann' } },
        externalId: { before: null, after: 'okta-00u1' },
        [`${ENTERPRISE}:employeeNumber`]: { before: null, after: '42' },
      },
      idp: 'okta',
      occurredAt: created.body.meta.lastModified,
      requestId: expect.stringMatching(UUID),
    });

    let mark = createdEvent.eventId;
    const put = await t.call('PUT', `/Users/${id}`, {
      schemas: [USER],
      userName,
      active: true,
      name: { givenName: 'Ann', familyName: 'Lee' },
      externalId: 'okta-00u1',
    });
    expect(put.status).toBe(200);
    const [updated] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(updated.type).toBe('user.updated');
    expect(updated.changes).toEqual({
      name: { before: { givenName: 'Ann' }, after: { givenName: 'Ann', familyName: 'Lee' } },
      [`${ENTERPRISE}:employeeNumber`]: { before: '42', after: null },
    });
    expect(updated.requestId).not.toBe(createdEvent.requestId);

    mark = updated.eventId;
    expect(
      (await t.call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false }))).status,
    ).toBe(200);
    const [deactivated] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(deactivated.type).toBe('user.deactivated');
    expect(deactivated.changes).toEqual({ active: { before: true, after: false } });

    mark = deactivated.eventId;
    const reactivate = patch({ op: 'replace', value: { active: true, title: 'Engineer' } });
    expect((await t.call('PATCH', `/Users/${id}`, reactivate)).status).toBe(200);
    const [reactivated] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(reactivated.type).toBe('user.reactivated');
    expect(reactivated.changes).toEqual({
      active: { before: false, after: true },
      title: { before: null, after: 'Engineer' },
    });

    mark = reactivated.eventId;
    // A PATCH that changes nothing (the same title again): no event.
    const same = patch({ op: 'replace', path: 'title', value: 'Engineer' });
    expect((await t.call('PATCH', `/Users/${id}`, same)).status).toBe(200);
    expect((await t.call('DELETE', `/Users/${id}`)).status).toBe(204);
    const [deleted] = await waitForEvents(service, t.tenantId, 1, mark);
    expect(deleted).toEqual(
      expect.objectContaining({
        type: 'user.deleted',
        resource: { type: 'User', id, externalId: 'okta-00u1' },
        idp: 'okta',
        requestId: expect.stringMatching(UUID),
      }),
    );
    expect(deleted.changes.userName).toEqual({ before: userName, after: null });
    expect(deleted.changes.active).toEqual({ before: true, after: null });

    const all = await publishedEvents(service, t.tenantId);
    expect(JSON.stringify(all)).not.toMatch(/S3cret|password/i);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
  });

  test("an Entra token's events name idp entra", async () => {
    const tenantId = `ev-entra-${randomUUID().slice(0, 8)}`;
    const { token, scimBaseUrl } = await service.createToken(tenantId, 'entra');
    const response = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
      schemas: [USER],
      userName: 'bo@example.com',
      active: true,
    });
    expect(response.status).toBe(201);
    const [event] = await waitForEvents(service, tenantId, 1);
    expect(event).toEqual(expect.objectContaining({ type: 'user.created', idp: 'entra', tenantId }));
  });

  test('no event of one tenant carries another tenant’s data', async () => {
    const a = await newTenant(service, 'ev-iso-a');
    const b = await newTenant(service, 'ev-iso-b');
    const userA = await a.call('POST', '/Users', { schemas: [USER], userName: 'secret-a@example.com' });
    const userB = await b.call('POST', '/Users', { schemas: [USER], userName: 'secret-b@example.com' });
    await a.call('PATCH', `/Users/${userA.body.id}`, patch({ op: 'replace', path: 'title', value: 'A' }));
    await b.call('PATCH', `/Users/${userB.body.id}`, patch({ op: 'replace', path: 'title', value: 'B' }));
    const eventsA = await waitForEvents(service, a.tenantId, 2);
    const eventsB = await waitForEvents(service, b.tenantId, 2);
    expect(eventsA.every((e) => e.tenantId === a.tenantId && e.resource.id === userA.body.id)).toBe(true);
    expect(eventsB.every((e) => e.tenantId === b.tenantId && e.resource.id === userB.body.id)).toBe(true);
    expect(JSON.stringify(eventsA)).not.toContain(b.tenantId);
    expect(JSON.stringify(eventsA)).not.toContain('secret-b');
    expect(JSON.stringify(eventsA)).not.toContain(userB.body.id);
    expect(JSON.stringify(eventsB)).not.toContain('secret-a');
  });

  test('a stream record delivered twice publishes the same eventId (stored once)', async () => {
    const t = await newTenant(service, 'ev-redeliver');
    const created = await t.call('POST', '/Users', { schemas: [USER], userName: 'cy@example.com' });
    const [first] = await waitForEvents(service, t.tenantId, 1);
    const item = await new DynamoDBClient({}).send(
      new GetItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: keys.user(t.tenantId, created.body.id).pk }, sk: { S: 'USER' } },
      }),
    );
    const { handler } = require('../../lambdas/stream/handler');
    const record = {
      eventID: 'r',
      eventName: 'INSERT',
      dynamodb: { NewImage: item.Item, SequenceNumber: '1' },
    };
    const received = service.eventBus?.received() ?? 0;
    for (let i = 0; i < 2; i++)
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    // Both deliveries reached the bus, with the eventId of the first: it kept one event.
    expect(service.eventBus?.received()).toBe(received + 2);
    const events = await waitForEvents(service, t.tenantId, 1);
    expect(events.map((e) => e.eventId)).toEqual([first.eventId]);
  });

  test('GET /local/events: after and type filter; an unknown after is a 400 in the admin format', async () => {
    const t = await newTenant(service, 'ev-query');
    const one = await t.call('POST', '/Users', { schemas: [USER], userName: 'd1@example.com' });
    await t.call('POST', '/Users', { schemas: [USER], userName: 'd2@example.com' });
    await t.call('DELETE', `/Users/${one.body.id}`);
    const all = await waitForEvents(service, t.tenantId, 3);
    expect(all.map((e) => e.type)).toEqual(['user.created', 'user.created', 'user.deleted']);
    const later = await publishedEvents(service, t.tenantId, all[0].eventId);
    expect(later.map(summary)).toEqual(all.slice(1).map(summary));
    const deletes = await service.request('GET', `/local/events?tenant=${t.tenantId}&type=user.deleted`);
    expect(deletes.body.events.map(summary)).toEqual([summary(all[2])]);
    const unknown = await service.request('GET', `/local/events?after=${randomUUID()}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'bad_request', message: expect.any(String) });
    expect(await lastEventId(service, t.tenantId)).toBe(all[2].eventId);
  });
});
