import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ChangeEvent } from '../../../lambdas/domain/change-events';

/**
 * The table's one stream consumer: each record decoded once and handed to its tasks (invitations for
 * users, folds for deltas, change events for all), in stream order; the first failed record is
 * reported with every record after it (not attempted), so events keep the order of the writes.
 */
const onUserChange = jest.fn(async () => 'setting-off');
const fold = jest.fn(async (_tenantId: string, groupId: string) => {
  if (groupId === 'broken') throw new Error('fold failed');
});
const published: ChangeEvent[][] = [];
const publish = jest.fn(async (events: readonly ChangeEvent[]) => {
  published.push([...events]);
});
const groupExternalId = jest.fn(async (_tenantId: string, groupId: string) => `ext-${groupId}`);
jest.mock('../../../lambdas/stream/compose', () => ({
  inviteService: () => ({ onUserChange }),
  memberCounts: () => ({ fold }),
  changeEvents: () => ({ publisher: { publish }, groupExternalId }),
}));

import { deltaItem } from '../../../lambdas/store/count-deltas';
import { keys } from '../../../lambdas/store/keys';
import { handler } from '../../../lambdas/stream/handler';

let sequence = 0;
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  old?: Record<string, unknown>,
): DynamoDBRecord {
  sequence++;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence),
      ...(eventName === 'REMOVE'
        ? { OldImage: marshall(item) as never }
        : { NewImage: marshall(item) as never, ...(old ? { OldImage: marshall(old) as never } : {}) }),
    },
  };
}

const user = {
  ...keys.user('acme', 'u1'),
  type: 'user',
  tenantId: 'acme',
  id: 'u1',
  userName: 'u1@example.com',
  attributes: { userName: 'u1@example.com', active: true },
  active: true,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  version: 1,
  origin: { requestId: 'req-1', idp: 'entra', tokenId: 't1' },
};
const delta = (groupId: string, added: string[] = ['u1']) =>
  deltaItem('acme', groupId, added.length, '2026-01-01T00:00:00.000Z', { added, removed: [] });
const ids = (r: DynamoDBRecord[]) => r.map((x) => ({ itemIdentifier: x.dynamodb?.SequenceNumber }));

beforeEach(() => {
  onUserChange.mockClear();
  fold.mockClear();
  publish.mockClear();
  groupExternalId.mockClear();
  published.length = 0;
});

test('a failing record is reported with every later record, which is not attempted', async () => {
  const first = record('INSERT', delta('g1'));
  const broken = record('INSERT', delta('broken'));
  const later = [record('INSERT', user), record('INSERT', delta('g2'))];
  const result = await handler({ Records: [first, broken, ...later] });
  expect(result.batchItemFailures).toEqual(ids([broken, ...later]));
  expect(fold.mock.calls).toEqual([
    ['acme', 'g1'],
    ['acme', 'broken'],
  ]);
  expect(onUserChange).not.toHaveBeenCalled();
});

test("every task of a record is attempted: a failing invitation still publishes the record's event", async () => {
  onUserChange.mockRejectedValueOnce(new Error('SES down'));
  const userRecord = record('INSERT', user);
  const result = await handler({ Records: [userRecord] });
  expect(result.batchItemFailures).toEqual(ids([userRecord]));
  expect(published.flat().map((e) => e.type)).toEqual(['user.created']);
});

test('a failing publish fails the record (and the invitation is still attempted)', async () => {
  publish.mockRejectedValueOnce(new Error('bus down'));
  const userRecord = record('INSERT', user);
  const result = await handler({ Records: [userRecord] });
  expect(result.batchItemFailures).toEqual(ids([userRecord]));
  expect(onUserChange).toHaveBeenCalledTimes(1);
});

test('deltas of one group in a batch share one fold; removed deltas and other items are ignored', async () => {
  const result = await handler({
    Records: [
      record('REMOVE', delta('g3')),
      record('INSERT', { ...keys.counters('acme'), type: 'counters' }),
      record('INSERT', delta('g4')),
      record('INSERT', delta('g4', ['u2'])),
    ],
  });
  expect(result.batchItemFailures).toEqual([]);
  expect(fold.mock.calls).toEqual([['acme', 'g4']]);
  expect(onUserChange).not.toHaveBeenCalled();
});

test('events are published in stream order, a delta with the externalId looked up', async () => {
  await handler({ Records: [record('INSERT', user), record('INSERT', delta('g5', ['u1', 'u2']))] });
  expect(published.map((batch) => batch.map((e) => e.type))).toEqual([
    ['user.created'],
    ['group.member_added', 'group.member_added'],
  ]);
  expect(published[1].map((e) => e.resource.externalId)).toEqual(['ext-g5', 'ext-g5']);
  expect(published[0][0]).toEqual(
    expect.objectContaining({ requestId: 'req-1', idp: 'entra', tenantId: 'acme' }),
  );
});

test("the member chunks of one group in a batch read the group's externalId once", async () => {
  await handler({
    Records: [
      record('INSERT', delta('g8', ['u1'])),
      record('INSERT', delta('g8', ['u2'])),
      record('INSERT', delta('g9', ['u3'])),
    ],
  });
  expect(groupExternalId.mock.calls).toEqual([
    ['acme', 'g8'],
    ['acme', 'g9'],
  ]);
  expect(published.flat().map((e) => e.resource.externalId)).toEqual(['ext-g8', 'ext-g8', 'ext-g9']);
});

test('a redelivered record publishes the same eventIds', async () => {
  const records = [record('INSERT', user), record('INSERT', delta('g6', ['u1', 'u2']))];
  await handler({ Records: records });
  const first = published.flat().map((e) => e.eventId);
  published.length = 0;
  await handler({ Records: records });
  expect(published.flat().map((e) => e.eventId)).toEqual(first);
  expect(new Set(first).size).toBe(3);
});

test('a fold-only change of a group publishes nothing', async () => {
  const group = {
    ...keys.group('acme', 'g7'),
    type: 'group',
    tenantId: 'acme',
    id: 'g7',
    displayName: 'Eng',
    attributes: {},
    memberCount: 0,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 1,
  };
  await handler({
    Records: [
      record('MODIFY', { ...group, memberCount: 3, version: 4, foldedDeltas: ['a', 'b', 'c'] }, group),
    ],
  });
  expect(published.flat()).toEqual([]);
});
