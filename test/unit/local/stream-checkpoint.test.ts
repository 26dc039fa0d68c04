import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointOf,
  readCheckpoint,
  type StreamCheckpoint,
  shardStart,
  writeCheckpoint,
} from '../../../local/stream-checkpoint';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/1';
const open = { id: 'shard-1', closed: false };
const closed = { id: 'shard-1', closed: true };

describe('where a shard is read from', () => {
  test('without a checkpoint, an open shard at the first discovery starts at its end (as before)', () => {
    expect(shardStart(open, undefined, true)).toEqual({ type: 'LATEST' });
  });

  test('without a checkpoint, a shard closed before the start is skipped', () => {
    expect(shardStart(closed, undefined, true)).toEqual({ type: 'skip' });
  });

  test('a shard that appears after the first discovery is read from its start', () => {
    expect(shardStart(open, undefined, false)).toEqual({ type: 'TRIM_HORIZON' });
  });

  test('a checkpointed shard resumes after its last delivered record', () => {
    const checkpoint = { streamArn: ARN, shards: { 'shard-1': { after: '0007' } } };
    expect(shardStart(open, checkpoint, true)).toEqual({
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: '0007',
    });
    expect(shardStart(closed, checkpoint, true)).toEqual({
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: '0007',
    });
  });

  test('a shard read to its end is skipped', () => {
    const checkpoint = { streamArn: ARN, shards: { 'shard-1': { after: '0007', closed: true } } };
    expect(shardStart(open, checkpoint, true)).toEqual({ type: 'skip' });
  });

  test('with a checkpoint, a shard it does not know is read from its start (none of its records was delivered)', () => {
    const checkpoint = { streamArn: ARN, shards: { other: { after: '0001' } } };
    expect(shardStart(open, checkpoint, true)).toEqual({ type: 'TRIM_HORIZON' });
    expect(shardStart(closed, checkpoint, true)).toEqual({ type: 'TRIM_HORIZON' });
  });

  test('a checkpoint of another stream (table re-created) keeps no position', () => {
    const stored = { streamArn: 'arn:old', shards: { 'shard-1': { after: '0007' } } };
    const checkpoint = checkpointOf(ARN, stored);
    expect(checkpoint).toEqual({ streamArn: ARN, shards: {} });
    expect(shardStart(open, checkpoint, true)).toEqual({ type: 'TRIM_HORIZON' });
  });

  test('no checkpoint file stays no checkpoint', () => {
    expect(checkpointOf(ARN, undefined)).toBeUndefined();
  });
});

describe('the checkpoint file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('what is written is read back', () => {
    const file = join(dir, 'stream-checkpoint.json');
    const checkpoint: StreamCheckpoint = {
      streamArn: ARN,
      shards: { a: { after: '0003' }, b: { after: '0009', closed: true } },
    };
    writeCheckpoint(file, checkpoint);
    expect(readCheckpoint(file)).toEqual(checkpoint);
  });

  test('a missing file is no checkpoint', () => {
    expect(readCheckpoint(join(dir, 'none.json'))).toBeUndefined();
  });

  test('a write replaces the file whole and leaves no temporary file behind', () => {
    const file = join(dir, 'stream-checkpoint.json');
    writeCheckpoint(file, { streamArn: ARN, shards: { a: { after: '0001' } } });
    writeCheckpoint(file, { streamArn: ARN, shards: { a: { after: '0002' } } });
    expect(readdirSync(dir)).toEqual(['stream-checkpoint.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).shards.a.after).toBe('0002');
  });

  test('a write that cannot complete leaves the previous checkpoint intact', () => {
    const file = join(dir, 'stream-checkpoint.json');
    writeCheckpoint(file, { streamArn: ARN, shards: { a: { after: '0001' } } });
    // The rename target is a directory's path: the write fails after the temporary file was written.
    expect(() => writeCheckpoint(dir, { streamArn: ARN, shards: { a: { after: '0002' } } })).toThrow();
    expect(readCheckpoint(file)?.shards.a.after).toBe('0001');
    expect(existsSync(`${dir}.${process.pid}.tmp`)).toBe(false);
  });

  test.each([
    ['not JSON', '{"streamArn": '],
    ['no shards', `{"streamArn": "${ARN}"}`],
    ['a bad position', `{"streamArn": "${ARN}", "shards": {"a": {"after": 7}}}`],
  ])('a malformed file (%s) stops the start with a message naming it', (_why, text) => {
    const file = join(dir, 'stream-checkpoint.json');
    writeFileSync(file, text);
    expect(() => readCheckpoint(file)).toThrow(/stream-checkpoint\.json is not valid .*delete it/);
  });
});
