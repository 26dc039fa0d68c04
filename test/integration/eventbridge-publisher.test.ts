import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type ChangeEvent, eventIdOf } from '../../lambdas/domain/change-events';
import {
  batchesOf,
  EventBridgePublisher,
  EventPublishError,
} from '../../lambdas/events/eventbridge-publisher';
import { type EventBridgeLocal, startEventBridgeLocal } from '../../local/eventbridge-local';

/**
 * The EventBridge publisher with the real SDK against the local PutEvents stand-in (no DynamoDB):
 * batches of at most 10, refused entries put again, a bounded number of times; and the stand-in
 * itself (dedupe by eventId, JSON Lines persistence).
 */
let bus: EventBridgeLocal;
let client: EventBridgeClient;
beforeEach(async () => {
  bus = await startEventBridgeLocal();
  client = new EventBridgeClient({
    endpoint: bus.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(async () => {
  client.destroy();
  await bus.stop();
});

const event = (n: number, tenantId = 'acme'): ChangeEvent => ({
  eventId: eventIdOf(tenantId, `user/u${n}/v1`),
  type: 'user.created',
  tenantId,
  resource: { type: 'User', id: `u${n}`, externalId: null },
  changes: { userName: { before: null, after: `u${n}@example.com` } },
  idp: 'okta',
  occurredAt: '2026-01-01T00:00:00.000Z',
  requestId: 'req',
});
const many = (n: number) => Array.from({ length: n }, (_, i) => event(i));

test('25 events go out in order, in PutEvents calls of at most 10 entries, with Source and DetailType', async () => {
  const sends = jest.spyOn(client, 'send');
  await new EventBridgePublisher({ busName: 'b', client }).publish(many(25));
  const sizes = sends.mock.calls.map(([command]) => (command.input as { Entries: unknown[] }).Entries.length);
  expect(sizes).toEqual([10, 10, 5]);
  expect(bus.events().map((e) => e.detail.resource)).toEqual(many(25).map((e) => e.resource));
  expect(bus.events()[0]).toEqual(
    expect.objectContaining({ source: 'scim.provisioning', detailType: 'user.created', busName: 'b' }),
  );
});

test('refused entries are put again until accepted: none lost, none twice', async () => {
  bus.failNext(13);
  await new EventBridgePublisher({ busName: 'b', client, baseDelayMs: 1 }).publish(many(25));
  expect(bus.events().map((e) => e.detail.eventId)).toHaveLength(25);
  expect(new Set(bus.events().map((e) => e.detail.eventId))).toEqual(new Set(many(25).map((e) => e.eventId)));
  expect(bus.received()).toBe(25 + 13);
});

test('entries still refused after the bounded attempts: publish throws, naming them', async () => {
  bus.failNext(1000, 'InternalFailure');
  const publishing = new EventBridgePublisher({
    busName: 'b',
    client,
    maxAttempts: 3,
    baseDelayMs: 1,
  }).publish(many(2));
  await expect(publishing).rejects.toBeInstanceOf(EventPublishError);
  await expect(publishing).rejects.toThrow(/2 event\(s\) not accepted .*InternalFailure/);
  expect(bus.received()).toBe(6);
});

test('a batch also stays under 256 KB', () => {
  const big = (n: number) => ({ Source: 's', DetailType: 't', Detail: 'x'.repeat(100 * 1024 + n) });
  expect(batchesOf([big(1), big(2), big(3), big(4)]).map((b) => b.length)).toEqual([2, 2]);
});

test('the stand-in keeps each eventId once and reads its JSON Lines back after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'events-'));
  try {
    const file = join(dir, 'events.jsonl');
    const persisted = await startEventBridgeLocal({ file });
    const local = new EventBridgeClient({
      endpoint: persisted.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const publisher = new EventBridgePublisher({ busName: 'b', client: local });
    await publisher.publish(many(3));
    await publisher.publish(many(3));
    local.destroy();
    await persisted.stop();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    const restarted = await startEventBridgeLocal({ file });
    expect(restarted.events().map((e) => e.detail.eventId)).toEqual(many(3).map((e) => e.eventId));
    await restarted.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
