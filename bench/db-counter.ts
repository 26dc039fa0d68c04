import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { onDynamoDbClientCreated } from '../lambdas/store/client';

/**
 * Counts what the handlers ask of DynamoDB, through an SDK middleware on the handlers' own client
 * (lambdas/store/client.ts `onDynamoDbClientCreated`). Must be installed before the first request
 * loads the handlers. Requests are measured one at a time, so `take()` before and after a request
 * gives that request's cost.
 */
export interface DbCounts {
  /** DynamoDB API calls. */
  calls: number;
  /** Items read by the SCIM handlers: GetItem hits, Query/Scan ScannedCount, BatchGet/TransactGet responses. */
  itemsRead: number;
  /** Items read by the authorizer (the token item by its secret's hash): one per SCIM request. */
  authorizerReads: number;
  /** Read capacity units DynamoDB reported (ReturnConsumedCapacity=TOTAL), when it reports them. */
  readUnits: number;
  /** Items written (puts, updates, deletes; transaction ConditionChecks excluded). */
  itemsWritten: number;
  writeUnits: number;
  /** Calls per command name. */
  commands: Record<string, number>;
}

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

type Json = Record<string, unknown>;

export class DbCounter {
  private counts: DbCounts = empty();

  /** Registers the middleware; call once, before startLocalService's handlers are first used. */
  install(): void {
    onDynamoDbClientCreated((client: DynamoDBClient) => {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const command = context.commandName ?? 'unknown';
          const input = args.input as Json;
          if (READS.has(command) || WRITES.has(command)) input.ReturnConsumedCapacity ??= 'TOTAL';
          const result = await next(args);
          this.record(command, input, result.output as unknown as Json);
          return result;
        },
        { step: 'initialize', name: 'benchDbCounter' },
      );
    });
  }

  /** The counts since the last `take()`, and a fresh start. */
  take(): DbCounts {
    const counts = this.counts;
    this.counts = empty();
    return counts;
  }

  private record(command: string, input: Json, output: Json): void {
    const c = this.counts;
    c.calls++;
    c.commands[command] = (c.commands[command] ?? 0) + 1;
    const units = capacityUnits(output.ConsumedCapacity);
    if (READS.has(command)) c.readUnits += units;
    if (WRITES.has(command)) c.writeUnits += units;
    switch (command) {
      case 'GetItemCommand': {
        if (!output.Item) break;
        if (pkOf(input.Key).startsWith('TOKENHASH#')) c.authorizerReads++;
        else c.itemsRead++;
        break;
      }
      case 'QueryCommand':
      case 'ScanCommand':
        c.itemsRead += Number(
          output.ScannedCount ?? output.Count ?? (output.Items as unknown[])?.length ?? 0,
        );
        break;
      case 'BatchGetItemCommand':
        for (const items of Object.values((output.Responses as Record<string, unknown[]>) ?? {})) {
          c.itemsRead += items.length;
        }
        break;
      case 'TransactGetItemsCommand':
        c.itemsRead += ((output.Responses as Json[]) ?? []).filter((r) => r.Item).length;
        break;
      case 'PutItemCommand':
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        c.itemsWritten++;
        break;
      case 'BatchWriteItemCommand': {
        const requested = Object.values((input.RequestItems as Record<string, unknown[]>) ?? {});
        const left = Object.values((output.UnprocessedItems as Record<string, unknown[]>) ?? {});
        c.itemsWritten += sum(requested.map((r) => r.length)) - sum(left.map((r) => r.length));
        break;
      }
      case 'TransactWriteItemsCommand':
        c.itemsWritten += ((input.TransactItems as Json[]) ?? []).filter((t) => !t.ConditionCheck).length;
        break;
    }
  }
}

function empty(): DbCounts {
  return {
    calls: 0,
    itemsRead: 0,
    authorizerReads: 0,
    readUnits: 0,
    itemsWritten: 0,
    writeUnits: 0,
    commands: {},
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** ConsumedCapacity is one object (single-item calls, Query) or a list (batch and transactions). */
function capacityUnits(consumed: unknown): number {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return sum(list.map((c) => Number((c as Json).CapacityUnits ?? 0)));
}

/** The partition key of a Key, marshalled ({ S: ... }) or not, depending on where the middleware sits. */
function pkOf(key: unknown): string {
  const pk = (key as Json | undefined)?.pk;
  if (typeof pk === 'string') return pk;
  if (pk && typeof pk === 'object' && typeof (pk as Json).S === 'string') return (pk as Json).S as string;
  return '';
}
