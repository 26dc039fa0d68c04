import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { keys } from '../../../lambdas/store/keys';
import { decodeStreamRecord } from '../../../lambdas/store/stream-decoding';

/** Stream records -> the domain's StoredChange, by item type, each decoded once. */
const record = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  image: Record<string, unknown>,
  old?: Record<string, unknown>,
): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    ...(eventName === 'REMOVE'
      ? {}
      : { NewImage: marshall(image, { removeUndefinedValues: true }) as never }),
    ...(old || eventName === 'REMOVE'
      ? { OldImage: marshall(old ?? image, { removeUndefinedValues: true }) as never }
      : {}),
  },
});
const origin = { requestId: 'r', idp: 'entra', tokenId: 't' };

test('a count delta names its group, deltaId, edges and origin; a legacy one its key and no edges', () => {
  const item = {
    ...keys.countDelta('acme', 'g1', 'd1'),
    type: 'countDelta',
    tenantId: 'acme',
    groupId: 'g1',
    delta: 1,
    at: '2026-01-01T00:00:00.000Z',
    added: ['u1'],
    origin,
  };
  expect(decodeStreamRecord(record('INSERT', item))).toEqual({
    kind: 'membership',
    tenantId: 'acme',
    groupId: 'g1',
    deltaId: 'd1',
    added: ['u1'],
    removed: [],
    at: '2026-01-01T00:00:00.000Z',
    origin,
  });
  const legacy = { ...keys.countDelta('acme-2', 'g-9', 'd2'), type: 'countDelta', delta: -1 };
  expect(decodeStreamRecord(record('INSERT', legacy))).toEqual(
    expect.objectContaining({
      tenantId: 'acme-2',
      groupId: 'g-9',
      added: [],
      removed: [],
      origin: undefined,
    }),
  );
});

test('the REMOVE of a delta or tombstone, and other item types, decode to nothing', () => {
  const delta = {
    ...keys.countDelta('acme', 'g1', 'd1'),
    type: 'countDelta',
    tenantId: 'acme',
    groupId: 'g1',
  };
  expect(decodeStreamRecord(record('REMOVE', delta))).toBeUndefined();
  expect(
    decodeStreamRecord(record('INSERT', { ...keys.counters('acme'), type: 'counters' })),
  ).toBeUndefined();
  expect(
    decodeStreamRecord(record('REMOVE', { ...keys.deletion('acme', 'U', 'u1'), type: 'deletion' })),
  ).toBeUndefined();
});

test('a tombstone decodes to a deletion with its attributes and origin', () => {
  const tombstone = {
    ...keys.deletion('acme', 'G', 'g1'),
    type: 'deletion',
    tenantId: 'acme',
    resourceType: 'Group',
    resourceId: 'g1',
    externalId: null,
    attributes: { displayName: 'Eng' },
    sourceIdp: 'okta',
    at: '2026-01-01T00:00:00.000Z',
    expiresAt: 1,
    origin,
  };
  expect(decodeStreamRecord(record('INSERT', tombstone))).toEqual({
    kind: 'deletion',
    tenantId: 'acme',
    resourceType: 'Group',
    id: 'g1',
    externalId: null,
    attributes: { displayName: 'Eng' },
    sourceIdp: 'okta',
    at: '2026-01-01T00:00:00.000Z',
    origin,
  });
});

test('a user modify gives both records and the new image origin; an empty value reads as an empty list', () => {
  const user = {
    ...keys.user('acme', 'u1'),
    type: 'user',
    tenantId: 'acme',
    id: 'u1',
    userName: 'a@example.com',
    attributes: { userName: 'a@example.com', emails: [] },
    active: false,
    created: 'c',
    lastModified: 'l',
    version: 2,
  };
  const raw = record('MODIFY', { ...user, origin }, { ...user, version: 1 });
  // What the local poller's DynamoDB Streams client hands over for an empty list.
  const image = raw.dynamodb?.NewImage as unknown as Record<string, { M: Record<string, unknown> }>;
  image.attributes.M.emails = {};
  const change = decodeStreamRecord(raw);
  expect(change).toEqual(
    expect.objectContaining({
      kind: 'user',
      before: expect.objectContaining({ version: 1 }),
      after: expect.objectContaining({ version: 2, attributes: { userName: 'a@example.com', emails: [] } }),
      origin,
    }),
  );
});
