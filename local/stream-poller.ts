import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { consumedRecords } from '../lambdas/stream/consumed-records';
import {
  checkpointOf,
  readCheckpoint,
  type ShardStart,
  type StreamCheckpoint,
  shardStart,
  writeCheckpoint,
} from './stream-checkpoint';

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: unknown,
) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  tableName: string;
  handler: () => StreamHandler;
  /** Same filter as the event source mapping in AWS (consumedRecords). */
  filter?: (record: DynamoDBRecord) => boolean;
  intervalMs?: number;
  /** Like the event source's retryAttempts; afterwards the record goes to `failed` (the on-failure destination). */
  maxRetries?: number;
  /**
   * Persisted mode: the file that keeps, per shard, the last delivered position (local/stream-checkpoint.ts),
   * so a restart resumes there. Without it the poller starts at the stream's end, as before.
   */
  checkpointFile?: string;
}

export interface StreamPoller {
  /** Records given up after the retries (the local stand-in of the SQS on-failure destination). */
  failed: DynamoDBRecord[];
  stop(): Promise<void>;
}

/**
 * The local stand-in for the Lambda event source mapping on the table's stream: polls DynamoDB Local's
 * stream, keeps the records the AWS filter would keep, invokes the same handler with the same event
 * shape, and retries the records it reports as partial batch failures (blocking that shard, with
 * backoff, a bounded number of times — as AWS does). With a checkpoint file, each delivered batch
 * moves the shard's checkpoint, and a start resumes after it (docs/operations.md, "Local stream poller").
 *
 * DynamoDB Local (checked with -dbPath): a restart keeps the stream ARN, the shard ids and the sequence
 * numbers, records written just before a SIGKILL are kept, an unknown shard is a
 * ResourceNotFoundException and AFTER_SEQUENCE_NUMBER past the end reads nothing (no error).
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const dynamo = new DynamoDBClient({});
  const streams = new DynamoDBStreamsClient({});
  const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const filter = options.filter ?? consumedRecords;
  const intervalMs = options.intervalMs ?? 200;
  const maxRetries = options.maxRetries ?? 5;
  const checkpointFile = options.checkpointFile;
  const stored = checkpointFile ? checkpointOf(streamArn, readCheckpoint(checkpointFile)) : undefined;
  // Persisted mode writes a checkpoint from the first start on: a crash before the first delivery then
  // reads the open shards from their start on restart (re-delivery, never loss).
  const checkpoint: StreamCheckpoint = stored ?? { streamArn, shards: {} };
  let checkpointDirty = checkpointFile !== undefined;
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const failed: DynamoDBRecord[] = [];
  let running = true;
  let firstDiscovery = true;

  const debug = (message: string) => {
    if (process.env.LOCAL_STREAM_DEBUG) console.error(`stream poller: ${message}`);
  };

  function saveCheckpoint(): void {
    if (!checkpointFile || !checkpointDirty) return;
    writeCheckpoint(checkpointFile, checkpoint);
    checkpointDirty = false;
  }

  function markDelivered(shardId: string, sequenceNumber: string): void {
    checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], after: sequenceNumber };
    checkpointDirty = true;
  }

  function markClosed(shardId: string): void {
    iterators.delete(shardId);
    finished.add(shardId);
    checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], closed: true };
    checkpointDirty = true;
  }

  /**
   * An iterator for `start`. A position older than the stream keeps (24 hours; TrimmedDataAccessException)
   * falls back to the oldest record kept — those in between are gone, which is said on the console.
   * A shard that no longer exists is forgotten.
   */
  async function openIterator(shardId: string, start: ShardStart): Promise<void> {
    if (start.type === 'skip') {
      finished.add(shardId);
      return;
    }
    const request =
      start.type === 'AFTER_SEQUENCE_NUMBER'
        ? { ShardIteratorType: start.type, SequenceNumber: start.sequenceNumber }
        : { ShardIteratorType: start.type };
    try {
      const iterator = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...request }),
      );
      if (iterator.ShardIterator) iterators.set(shardId, iterator.ShardIterator);
      else markClosed(shardId);
      debug(`shard ${shardId} from ${start.type}`);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TrimmedDataAccessException' && start.type === 'AFTER_SEQUENCE_NUMBER') {
        console.error(
          `stream poller: shard ${shardId} no longer holds the records after ${start.sequenceNumber} (older than the stream keeps); continuing from its oldest record`,
        );
        return openIterator(shardId, { type: 'TRIM_HORIZON' });
      }
      if (name === 'ResourceNotFoundException') {
        iterators.delete(shardId);
        finished.add(shardId);
        delete checkpoint.shards[shardId];
        checkpointDirty = true;
        return;
      }
      throw error;
    }
  }

  async function discoverShards(): Promise<void> {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shards = description.StreamDescription?.Shards ?? [];
    for (const shard of shards) {
      const id = shard.ShardId as string;
      if (iterators.has(id) || finished.has(id)) continue;
      const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
      const start = shardStart({ id, closed }, stored, firstDiscovery);
      if (start.type === 'skip' && !checkpoint.shards[id]?.closed) markClosed(id);
      await openIterator(id, start);
    }
    // Shards the stream no longer lists (trimmed away) need no position.
    const listed = new Set(shards.map((s) => s.ShardId as string));
    for (const id of Object.keys(checkpoint.shards)) {
      if (!listed.has(id)) {
        delete checkpoint.shards[id];
        checkpointDirty = true;
      }
    }
    firstDiscovery = false;
    saveCheckpoint();
  }

  function readShard(iterator: string) {
    return streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
  }

  /** After a read error (an expired iterator, a trimmed position): continue after the last delivered record. */
  async function resumeShard(shardId: string, reason: string): Promise<void> {
    const after = checkpoint.shards[shardId]?.after;
    iterators.delete(shardId);
    await openIterator(
      shardId,
      after ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after } : { type: 'TRIM_HORIZON' },
    );
    debug(`resumed shard ${shardId} after ${reason}`);
  }

  async function deliver(records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let response: DynamoDBBatchResponse | undefined;
      try {
        response = await options.handler()(
          { Records: pending },
          { functionName: 'local-invites', awsRequestId: 'local' },
        );
      } catch {
        response = {
          batchItemFailures: pending.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber as string })),
        };
      }
      const failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      pending = pending.filter((r) => failedIds.has(r.dynamodb?.SequenceNumber as string));
      if (pending.length === 0) return;
      if (attempt >= maxRetries) {
        failed.push(...pending);
        console.error(
          `stream poller: ${pending.length} record(s) sent to the on-failure list after ${maxRetries} retries`,
        );
        return;
      }
      await sleep(Math.min(4000, 200 * 2 ** attempt));
    }
  }

  const loop = (async () => {
    let lastDiscovery = 0;
    while (running) {
      try {
        if (Date.now() - lastDiscovery > 5000 || iterators.size === 0) {
          await discoverShards();
          lastDiscovery = Date.now();
        }
        for (const [shardId, iterator] of [...iterators]) {
          let result: Awaited<ReturnType<typeof readShard>>;
          try {
            result = await readShard(iterator);
          } catch (error) {
            // An iterator DynamoDB Local no longer honours (expired after 15 minutes, or "past the oldest
            // record"): continue after the last record delivered on that shard (or from its start); the
            // consumer is idempotent, so a record seen twice is harmless, and none is skipped.
            if (!running) break;
            await resumeShard(shardId, (error as Error).name);
            continue;
          }
          const raw = result.Records ?? [];
          const records = raw.map((r) => toLambdaRecord(r, streamArn)).filter(filter);
          if (records.length > 0) await deliver(records);
          // Delivered (or given up to the on-failure list): the checkpoint moves past the whole batch,
          // the records the filter dropped included.
          if (raw.length > 0) markDelivered(shardId, raw[raw.length - 1].dynamodb?.SequenceNumber as string);
          if (result.NextShardIterator) iterators.set(shardId, result.NextShardIterator);
          else markClosed(shardId);
          saveCheckpoint();
        }
      } catch (error) {
        if (running) console.error('stream poller:', (error as Error).message);
      }
      await sleep(intervalMs);
    }
  })();

  return {
    failed,
    stop: async () => {
      running = false;
      await loop;
      dynamo.destroy();
      streams.destroy();
    },
  };
}

/** DynamoDB Streams API record -> the record shape Lambda delivers (dates as epoch seconds). */
function toLambdaRecord(record: StreamRecord, eventSourceARN: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    eventSourceARN,
    dynamodb: {
      ApproximateCreationDateTime: created instanceof Date ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: data.Keys as never,
      NewImage: data.NewImage as never,
      OldImage: data.OldImage as never,
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as never,
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
