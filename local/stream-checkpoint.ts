import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Where the local stream poller stands on each shard of the table's stream, kept on disk in persisted
 * mode (`.local/stream-checkpoint.json`), so a restart of `npm start` — also after a crash or a
 * SIGKILL — resumes after the last record it delivered instead of at the stream's end.
 *
 * `after` is the sequence number of the last record of a batch that was fully delivered: handled by
 * the consumer, filtered out, or given up after the retries (on-failure list), as the Lambda event
 * source mapping moves on after its on-failure destination. `closed` marks a shard read to its end.
 * A crash between a delivery and the write of its checkpoint delivers that batch again after the
 * restart: the consumers are idempotent (docs/operations.md, "Local stream poller").
 */
export interface StreamCheckpoint {
  /** The stream the positions belong to; a checkpoint of another stream (table re-created) is void. */
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

export interface ShardCheckpoint {
  after?: string;
  closed?: boolean;
}

/** How the poller starts reading one shard (GetShardIterator), or `skip` for a shard with nothing to read. */
export type ShardStart =
  | { type: 'LATEST' }
  | { type: 'TRIM_HORIZON' }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'skip' };

/**
 * Where to start a shard found by a discovery of the stream.
 * - With a checkpoint: after its position; a shard read to its end is skipped; a shard the checkpoint
 *   does not know appeared since (or never delivered a record): from its start.
 * - Without one (first start, in-memory mode, tests): as before checkpoints existed — the shards open at
 *   the first discovery from their end (only what comes next), closed ones skipped, and shards that
 *   appear later from their start.
 */
export function shardStart(
  shard: { id: string; closed: boolean },
  checkpoint: StreamCheckpoint | undefined,
  firstDiscovery: boolean,
): ShardStart {
  const known = checkpoint?.shards[shard.id];
  if (known?.closed) return { type: 'skip' };
  if (known?.after) return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: known.after };
  if (checkpoint || !firstDiscovery) return { type: 'TRIM_HORIZON' };
  return shard.closed ? { type: 'skip' } : { type: 'LATEST' };
}

/**
 * The checkpoint of `streamArn` from what was read from disk: `undefined` stays undefined (no file),
 * a checkpoint of another stream becomes an empty one (its shards are all new: read from their start).
 */
export function checkpointOf(
  streamArn: string,
  stored: StreamCheckpoint | undefined,
): StreamCheckpoint | undefined {
  if (!stored) return undefined;
  if (stored.streamArn !== streamArn) return { streamArn, shards: {} };
  return { streamArn, shards: { ...stored.shards } };
}

/** The checkpoint file, or `undefined` when there is none. A malformed file stops the start, naming it. */
export function readCheckpoint(file: string): StreamCheckpoint | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const malformed = (why: string) =>
    new Error(
      `The stream checkpoint ${file} is not valid (${why}); delete it to continue from the stream's end (records not yet delivered are then skipped)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  const { streamArn, shards } = (parsed ?? {}) as Partial<StreamCheckpoint>;
  if (typeof streamArn !== 'string' || !shards || typeof shards !== 'object' || Array.isArray(shards)) {
    throw malformed('expected {streamArn, shards}');
  }
  for (const [id, entry] of Object.entries(shards)) {
    const ok =
      entry &&
      typeof entry === 'object' &&
      (entry.after === undefined || typeof entry.after === 'string') &&
      (entry.closed === undefined || typeof entry.closed === 'boolean');
    if (!ok) throw malformed(`shard ${id}`);
  }
  return { streamArn, shards };
}

/**
 * Writes the checkpoint atomically: a temporary file beside it, flushed to disk, then renamed over the
 * old one (rename is atomic on POSIX file systems), so a crash leaves either the old or the new
 * checkpoint, never half of one.
 */
export function writeCheckpoint(file: string, checkpoint: StreamCheckpoint): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
