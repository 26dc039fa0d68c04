import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { onDynamoDbClientCreated } from '../../lambdas/store/client';

/**
 * The DynamoDB calls the handlers make, seen through an SDK middleware on their own client
 * (lambdas/store/client.ts `onDynamoDbClientCreated`; install before the service's first request).
 * Each call is recorded with the `pk|sk` (or `pk|*` for a Query) of every item it names.
 */
export interface DbCall {
  command: string;
  keys: string[];
}

type Json = Record<string, unknown>;

/** A key attribute as the middleware sees it: plain (document client) or marshalled ({S: ...}). */
const plain = (value: unknown): string =>
  typeof value === 'object' && value !== null && 'S' in value
    ? String((value as { S: unknown }).S)
    : String(value);
const keyOf = (item: unknown): string => {
  const { pk, sk } = (item ?? {}) as Json;
  return `${plain(pk)}|${plain(sk)}`;
};

function keysOf(command: string, input: Json): string[] {
  switch (command) {
    case 'GetItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [keyOf(input.Key)];
    case 'PutItemCommand':
      return [keyOf(input.Item)];
    case 'QueryCommand':
      return [`${plain((input.ExpressionAttributeValues as Json | undefined)?.[':pk'])}|*`];
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems ?? []) as Json[]).map((item) => {
        const op = (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck) as Json;
        return keyOf(op.Item ?? op.Key);
      });
    case 'BatchWriteItemCommand':
      return Object.values((input.RequestItems ?? {}) as Record<string, Json[]>).flatMap((requests) =>
        requests.map((r) => keyOf((r.PutRequest as Json | undefined)?.Item ?? (r.DeleteRequest as Json).Key)),
      );
    case 'BatchGetItemCommand':
      return Object.values((input.RequestItems ?? {}) as Record<string, { Keys: Json[] }>).flatMap((r) =>
        r.Keys.map(keyOf),
      );
    default:
      return [];
  }
}

/** The request log's own writes (batched in the background; in AWS the log is a stdout line). */
const isRequestLog = (call: DbCall) =>
  call.keys.length > 0 && call.keys.every((k) => /#REQLOG|#REQSTATS/.test(k));

/** The authorizer's read of a token by its secret's hash. */
export const isTokenRead = (call: DbCall) =>
  call.command === 'GetItemCommand' && call.keys.every((k) => k.startsWith('TOKENHASH#'));

/**
 * An in-memory model of DynamoDB's transaction conflicts (which DynamoDB Local never raises): a
 * TransactWriteItems naming an item that another in-flight TransactWriteItems names is cancelled
 * with TransactionCanceledException, reason TransactionConflict on that item. Each transaction is
 * held in flight `holdMs` longer than DynamoDB Local takes, so concurrent creates overlap for sure.
 * `itemOf` maps a key to the item the model treats it as (the identity by default).
 */
export class ConflictModel {
  conflicts = 0;
  /** The transactions (by their first key: the resource item) that were cancelled at least once. */
  readonly conflicted = new Set<string>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly holdMs: number,
    private readonly itemOf: (key: string) => string = (key) => key,
  ) {}

  async run<T>(keys: string[], send: () => Promise<T>): Promise<T> {
    const items = keys.map(this.itemOf);
    if (items.some((item) => this.inFlight.has(item))) {
      this.conflicts++;
      this.conflicted.add(keys[0]);
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: items.map((item) => ({
          Code: this.inFlight.has(item) ? 'TransactionConflict' : 'None',
        })),
      });
    }
    for (const item of items) this.inFlight.set(item, (this.inFlight.get(item) ?? 0) + 1);
    try {
      const result = await send();
      await new Promise((resolve) => setTimeout(resolve, this.holdMs));
      return result;
    } finally {
      for (const item of items) {
        const left = (this.inFlight.get(item) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(item);
        else this.inFlight.set(item, left);
      }
    }
  }
}

export class DbCallLog {
  private readonly calls: DbCall[] = [];
  /** When set, TransactWriteItems go through this model. */
  conflicts: ConflictModel | undefined;

  /** Registers the middleware; call once per test file, before the service handles its first request. */
  install(): this {
    onDynamoDbClientCreated((client: DynamoDBClient) => {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const command = context.commandName ?? 'unknown';
          const call = { command, keys: keysOf(command, args.input as Json) };
          if (!isRequestLog(call)) this.calls.push(call);
          const model = this.conflicts;
          if (model && command === 'TransactWriteItemsCommand') return model.run(call.keys, () => next(args));
          return next(args);
        },
        // After the document client's marshalling or before it: keysOf reads either form.
        { step: 'initialize', name: 'perfDbCallLog' },
      );
    });
    return this;
  }

  /** The calls made while `work` ran (run requests one at a time for a per-request count). */
  async during(work: () => Promise<unknown>): Promise<DbCall[]> {
    const start = this.calls.length;
    await work();
    return this.calls.slice(start);
  }
}

export const commandsOf = (calls: DbCall[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.command] = (counts[call.command] ?? 0) + 1;
  return counts;
};
