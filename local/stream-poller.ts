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
 * backoff, a bounded number of times — as AWS does).
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
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const failed: DynamoDBRecord[] = [];
  let running = true;
  let firstDiscovery = true;

  async function discoverShards(): Promise<void> {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId as string;
      if (iterators.has(id) || finished.has(id)) continue;
      // Shards open when we start: only what comes next. Shards that appear later: from their start.
      const type =
        firstDiscovery && !shard.SequenceNumberRange?.EndingSequenceNumber ? 'LATEST' : 'TRIM_HORIZON';
      if (firstDiscovery && shard.SequenceNumberRange?.EndingSequenceNumber) {
        finished.add(id);
        continue;
      }
      const iterator = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: type }),
      );
      if (iterator.ShardIterator) iterators.set(id, iterator.ShardIterator);
    }
    firstDiscovery = false;
  }

  const lastSequence = new Map<string, string>();

  function readShard(iterator: string) {
    return streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
  }

  async function resumeShard(shardId: string, reason: string): Promise<void> {
    const after = lastSequence.get(shardId);
    const iterator = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (iterator.ShardIterator) iterators.set(shardId, iterator.ShardIterator);
    else iterators.delete(shardId);
    if (process.env.LOCAL_STREAM_DEBUG)
      console.error(`stream poller: resumed shard ${shardId} after ${reason}`);
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
            // An iterator DynamoDB Local no longer honours (expired, or "past the oldest record"):
            // continue after the last record seen on that shard (or from its start); the consumer is
            // idempotent, so a record seen twice is harmless, and none is skipped.
            if (!running) break;
            await resumeShard(shardId, (error as Error).name);
            continue;
          }
          if (result.NextShardIterator) iterators.set(shardId, result.NextShardIterator);
          else {
            iterators.delete(shardId);
            finished.add(shardId);
          }
          const raw = result.Records ?? [];
          if (raw.length > 0)
            lastSequence.set(shardId, raw[raw.length - 1].dynamodb?.SequenceNumber as string);
          const records = raw.map((r) => toLambdaRecord(r, streamArn)).filter(filter);
          if (records.length > 0) await deliver(records);
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
