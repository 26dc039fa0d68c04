import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The table's one stream consumer dispatches by item type: user items to the invitations, new count
 * deltas to the member-count fold; one record's failure is its own (a partial batch failure).
 */
const onUserChange = jest.fn(async () => 'setting-off');
const fold = jest.fn(async (_tenantId: string, groupId: string) => {
  if (groupId === 'broken') throw new Error('fold failed');
});
jest.mock('../../../lambdas/invites/compose', () => {
  const { groupOfDelta } = jest.requireActual('../../../lambdas/store/count-deltas');
  return {
    inviteService: () => ({ onUserChange }),
    memberCounts: () => ({ groupOf: groupOfDelta, fold }),
  };
});

import { handler } from '../../../lambdas/invites/handler';
import { deltaItem } from '../../../lambdas/store/count-deltas';
import { keys } from '../../../lambdas/store/keys';

let sequence = 0;
function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): DynamoDBRecord {
  sequence++;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence),
      ...(eventName === 'REMOVE'
        ? { OldImage: marshall(item) as never }
        : { NewImage: marshall(item) as never }),
    },
  };
}

const user = {
  ...keys.user('acme', 'u1'),
  type: 'user',
  tenantId: 'acme',
  id: 'u1',
  userName: 'u1@example.com',
  attributes: {},
  active: true,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  version: 1,
};
const delta = (groupId: string) => deltaItem('acme', groupId, 1, '2026-01-01T00:00:00.000Z');

beforeEach(() => {
  onUserChange.mockClear();
  fold.mockClear();
});

test('a failing fold is reported alone; the user record and the other groups are processed', async () => {
  const broken = record('INSERT', delta('broken'));
  const result = await handler(
    {
      Records: [broken, record('INSERT', user), record('INSERT', delta('g1')), record('INSERT', delta('g1'))],
    },
    {},
  );
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
  expect(onUserChange).toHaveBeenCalledTimes(1);
  // Two deltas of g1 in one batch: the first fold (after both were written) settles both.
  expect(fold.mock.calls).toEqual([
    ['acme', 'broken'],
    ['acme', 'g1'],
  ]);
});

test('a failing invitation does not keep a count from being folded', async () => {
  onUserChange.mockRejectedValueOnce(new Error('SES down'));
  const userRecord = record('INSERT', user);
  const result = await handler({ Records: [userRecord, record('INSERT', delta('g2'))] }, {});
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: userRecord.dynamodb?.SequenceNumber }]);
  expect(fold).toHaveBeenCalledWith('acme', 'g2');
});

test('only inserted deltas fold; other items are ignored', async () => {
  const result = await handler(
    {
      Records: [
        record('REMOVE', delta('g3')),
        record('INSERT', { ...keys.group('acme', 'g3'), type: 'group' }),
        record('INSERT', delta('g4')),
      ],
    },
    {},
  );
  expect(result.batchItemFailures).toEqual([]);
  expect(fold.mock.calls).toEqual([['acme', 'g4']]);
  expect(onUserChange).not.toHaveBeenCalled();
});
