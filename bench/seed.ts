import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys } from '../lambdas/store/keys';
import { localDynamoDbClient } from '../local/dynamodb-local';

/**
 * Fast seeding for the benchmark: writes the very items the repositories write (user-repository.ts
 * toItem / guardPut / edgePuts, group-repository.ts toItem / guardPut, membership-repository.ts
 * addItems, the tenant counters), built with the same `keys` builders, straight into the table with
 * BatchWriteItem on several parallel streams. Nothing here goes through HTTP or the handlers, and the
 * seeding client is not the handlers' client, so seeding never shows up in the items-read counts.
 */

type Item = Record<string, unknown>;

export interface SeededUser {
  id: string;
  userName: string;
  displayName: string;
}

export interface SeededGroup {
  id: string;
  displayName: string;
  memberCount: number;
}

export interface SeedStats {
  items: number;
  requests: number;
  retries: number;
  seconds: number;
}

const BATCH_SIZE = 25;
const SOURCE = { client: 'okta', label: 'SCIM Okta', userAgent: 'Okta SCIM Client 1.0.0' };

export class Seeder {
  private readonly db: DynamoDBDocumentClient;
  private readonly raw: DynamoDBClient;
  readonly totals: SeedStats = { items: 0, requests: 0, retries: 0, seconds: 0 };

  constructor(
    endpoint: string,
    private readonly tableName: string,
    /** Parallel BatchWriteItem streams. */
    private readonly streams = 12,
  ) {
    this.raw = localDynamoDbClient(endpoint, { maxAttempts: 10 });
    this.db = DynamoDBDocumentClient.from(this.raw, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  destroy(): void {
    this.raw.destroy();
  }

  /**
   * Users number `from` .. `from + count - 1` of a tenant, as an Okta create would store them: the user
   * item (with its GSI1 listing keys), the userName guard, one work-email lookup edge; then the tenant's
   * `users` counter moves by `count`.
   */
  async users(
    tenantId: string,
    from: number,
    count: number,
    onProgress?: (done: number) => void,
  ): Promise<SeededUser[]> {
    const now = new Date().toISOString();
    const users: SeededUser[] = [];
    function* items(): Generator<Item> {
      for (let n = from; n < from + count; n++) {
        const user = benchUser(n);
        const id = randomUUID();
        users.push({ id, userName: user.userName, displayName: user.displayName });
        yield userItem(tenantId, id, user, now);
        yield { ...keys.userNameGuard(tenantId, user.userName), type: 'userNameGuard', userId: id };
        yield { ...keys.emailEdge(tenantId, user.email, id), type: 'emailEdge', userId: id };
      }
    }
    await this.write(items(), onProgress ? (written) => onProgress(Math.floor(written / 3)) : undefined);
    await this.addToCounter(tenantId, 'users', count);
    return users;
  }

  /** A group item (memberCount as given), its displayName guard, and the tenant's `groups` counter. */
  async group(tenantId: string, displayName: string, memberCount: number): Promise<SeededGroup> {
    const now = new Date().toISOString();
    const id = randomUUID();
    await this.write(
      [
        {
          ...keys.group(tenantId, id),
          ...keys.groupsIndex(tenantId, displayName, id),
          type: 'group',
          tenantId,
          id,
          displayName,
          attributes: {},
          memberCount,
          created: now,
          lastModified: now,
          version: 1,
        },
        { ...keys.displayNameGuard(tenantId, displayName), type: 'displayNameGuard', groupId: id },
      ][Symbol.iterator](),
    );
    await this.addToCounter(tenantId, 'groups', 1);
    return { id, displayName, memberCount };
  }

  /**
   * Member edges of a group, both directions (membership-repository.ts addItems). The group item's
   * memberCount must already say how many (see `group`).
   */
  async members(
    tenantId: string,
    groupId: string,
    users: SeededUser[],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    function* items(): Generator<Item> {
      for (const user of users) {
        yield {
          ...keys.memberEdge(tenantId, groupId, user.id),
          type: 'member',
          groupId,
          userId: user.id,
          display: user.displayName,
        };
        yield {
          ...keys.memberOfEdge(tenantId, user.id, groupId),
          type: 'memberOf',
          groupId,
          userId: user.id,
        };
      }
    }
    await this.write(items(), onProgress ? (written) => onProgress(Math.floor(written / 2)) : undefined);
  }

  /** The group item's memberCount, read strongly consistent (checks that the runs left it exact). */
  async memberCount(tenantId: string, groupId: string): Promise<number | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.group(tenantId, groupId), ConsistentRead: true }),
    );
    return result.Item?.memberCount as number | undefined;
  }

  /**
   * Diagnostic, not seeding: the very Query the users listing runs for one page (GSI1, ascending,
   * Limit `limit`), started after the given user, timed straight against DynamoDB without the service.
   */
  async timeIndexPageAfter(
    tenantId: string,
    after: { id: string; userName: string },
    limit: number,
  ): Promise<{ ms: number; items: number }> {
    const started = performance.now();
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.usersIndexPk(tenantId) },
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: {
          ...keys.user(tenantId, after.id),
          ...keys.usersIndex(tenantId, after.userName, after.id),
        },
      }),
    );
    return { ms: performance.now() - started, items: result.Items?.length ?? 0 };
  }

  private async addToCounter(tenantId: string, attribute: 'users' | 'groups', delta: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counters(tenantId),
        UpdateExpression: 'ADD #a :d',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':d': delta },
      }),
    );
  }

  /** Drains `source` in batches of 25 on `streams` parallel BatchWriteItem loops. */
  private async write(source: Iterator<Item>, onProgress?: (written: number) => void): Promise<void> {
    const started = performance.now();
    let written = 0;
    let lastReport = started;
    const next = (): Item[] => {
      const batch: Item[] = [];
      while (batch.length < BATCH_SIZE) {
        const r = source.next();
        if (r.done) break;
        batch.push(r.value);
      }
      return batch;
    };
    const stream = async () => {
      for (let batch = next(); batch.length > 0; batch = next()) {
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) {
            this.totals.retries++;
            await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          }
          const result = await this.db.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          );
          this.totals.requests++;
          pending = (result.UnprocessedItems?.[this.tableName] as typeof pending | undefined) ?? [];
        }
        written += batch.length;
        this.totals.items += batch.length;
        // A progress line about every 5 s of a long seeding.
        if (onProgress && performance.now() - lastReport >= 5000) {
          lastReport = performance.now();
          onProgress(written);
        }
      }
    };
    await Promise.all(Array.from({ length: this.streams }, stream));
    this.totals.seconds += (performance.now() - started) / 1000;
  }
}

interface BenchUser {
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
}

const GIVEN = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const FAMILY = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Perlman',
];

/** Deterministic user number n; userNames spread over the index (not in insertion order). */
export function benchUser(n: number): BenchUser {
  const givenName = GIVEN[n % GIVEN.length];
  const familyName = FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length];
  // A scrambled prefix so later batches interleave with earlier ones in userName order.
  const scramble = ((n * 2654435761) >>> 0).toString(36).padStart(7, '0');
  const userName = `${givenName}.${familyName}.${scramble}.${n}@Bench.Example.com`;
  return {
    userName,
    givenName,
    familyName,
    displayName: `${givenName} ${familyName} ${n}`,
    email: userName.toLowerCase(),
  };
}

/** user-repository.ts toItem for what UserService.create stores from an Okta create body. */
function userItem(tenantId: string, id: string, user: BenchUser, now: string): Item {
  return {
    ...keys.user(tenantId, id),
    ...keys.usersIndex(tenantId, user.userName, id),
    type: 'user',
    tenantId,
    id,
    userName: user.userName,
    attributes: {
      userName: user.userName,
      name: { givenName: user.givenName, familyName: user.familyName },
      emails: [{ primary: true, value: user.email, type: 'work' }],
      displayName: user.displayName,
      locale: 'en-US',
      active: true,
    },
    active: true,
    created: now,
    lastModified: now,
    version: 1,
    source: SOURCE,
  };
}
