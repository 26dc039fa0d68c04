import {
  GetCommand,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { auditConfig } from '../config/runtime-config';
import type { AuditEntry } from '../domain/audit';
import { LimitExceededError, WriteConflictError } from '../domain/errors';
import { idpOrDefault } from '../domain/idp';
import type { TokenRepository } from '../domain/ports';
import { MAX_TOKENS_PER_TENANT, type Token, type TokenByHash, type TokenStatus } from '../domain/tokens';
import { excerpt } from '../scim/excerpt';
import { auditPut } from './audit-repository';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { cancellationReasons, isConditionalCheckFailed } from './errors';
import { keys } from './keys';
import { bumpTokenWriteVersion } from './token-writes';
import { transactWrite } from './transact';

/**
 * Every token write: the in-process token version moves before and after it (whether it succeeded
 * or not), so no authorizer decision read around it stays cached locally (./token-writes.ts).
 */
async function tokenWrite(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
  bumpTokenWriteVersion();
  try {
    await transactWrite(items);
  } finally {
    bumpTokenWriteVersion();
  }
}

const toToken = (item: Record<string, unknown>): Token => ({
  id: item.id as string,
  tenantId: item.tenantId as string,
  status: item.status as TokenStatus,
  createdAt: item.createdAt as string,
  lastUsedAt: (item.lastUsedAt as string | undefined) ?? null,
  hint: item.hint as string,
  secretHash: item.secretHash as string,
  // Items written before tokens had an IdP read as Okta's.
  idp: idpOrDefault(item.idp),
});

/**
 * Tokens live twice: under the tenant (listing, max 2) and under the secret's hash (authorizer).
 * Every change writes both in one transaction, so the authorizer's strongly consistent GetItem
 * sees a revoked or renewed token at once. The change's audit entry is a Put of that same
 * transaction (docs/data-model.md, "Audit trail"): recorded if and only if the change happened.
 */
export class DynamoTokenRepository implements TokenRepository {
  private readonly db = getDocumentClient();

  constructor() {
    // The audit retention is read (and checked) at cold start, not at the first change.
    auditConfig();
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async create(token: Token, audit: AuditEntry): Promise<void> {
    const TableName = tableName();
    try {
      await tokenWrite([
        {
          // The 2-token rule holds under concurrent creates: the counter is conditionally bumped.
          Update: {
            TableName,
            Key: keys.counters(token.tenantId),
            UpdateExpression: 'SET tokens = if_not_exists(tokens, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(tokens) OR tokens < :max',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': MAX_TOKENS_PER_TENANT },
          },
        },
        {
          Put: {
            TableName,
            Item: { ...keys.token(token.tenantId, token.id), type: 'token', ...token },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName,
            Item: {
              ...keys.tokenByHash(token.secretHash),
              type: 'tokenHash',
              tenantId: token.tenantId,
              tokenId: token.id,
              status: token.status,
              secretHash: token.secretHash,
              idp: token.idp,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut(audit),
      ]);
    } catch (error) {
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') {
        throw new LimitExceededError(
          `A tenant can hold at most ${MAX_TOKENS_PER_TENANT} tokens; remove one before generating another`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async list(tenantId: string): Promise<Token[]> {
    const prefix = keys.tokenPrefix(tenantId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.skPrefix },
        ConsistentRead: true,
        Limit: MAX_TOKENS_PER_TENANT * 2,
      }),
    );
    return (result.Items ?? []).map(toToken).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(tenantId: string, tokenId: string): Promise<Token | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.token(tenantId, tokenId), ConsistentRead: true }),
    );
    return result.Item ? toToken(result.Item) : undefined;
  }

  async setStatus(token: Token, status: TokenStatus, audit: AuditEntry): Promise<Token> {
    const { tenantId, id: tokenId } = token;
    const TableName = tableName();
    await this.transact(tenantId, tokenId, [
      {
        Update: {
          TableName,
          Key: keys.token(tenantId, tokenId),
          UpdateExpression: 'SET #status = :status',
          // The status read is still the one replaced: the audit entry's `before` is true.
          ConditionExpression: 'secretHash = :hash AND #status = :previous',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':hash': token.secretHash,
            ':previous': token.status,
          },
        },
      },
      {
        Update: {
          TableName,
          Key: keys.tokenByHash(token.secretHash),
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        },
      },
      auditPut(audit),
    ]);
    return { ...token, status };
  }

  async replaceSecret(
    token: Token,
    newSecretHash: string,
    newHint: string,
    audit: AuditEntry,
  ): Promise<Token> {
    const TableName = tableName();
    await this.transact(token.tenantId, token.id, [
      {
        Update: {
          TableName,
          Key: keys.token(token.tenantId, token.id),
          // The IdP stays; written out, so a token from before the idp existed now carries it.
          UpdateExpression: 'SET secretHash = :new, hint = :hint, idp = :idp REMOVE lastUsedAt',
          ConditionExpression: 'secretHash = :old',
          ExpressionAttributeValues: {
            ':new': newSecretHash,
            ':old': token.secretHash,
            ':hint': newHint,
            ':idp': token.idp,
          },
        },
      },
      // The old secret stops working in the same transaction that creates the new one.
      { Delete: { TableName, Key: keys.tokenByHash(token.secretHash) } },
      {
        Put: {
          TableName,
          Item: {
            ...keys.tokenByHash(newSecretHash),
            type: 'tokenHash',
            tenantId: token.tenantId,
            tokenId: token.id,
            status: token.status,
            secretHash: newSecretHash,
            idp: token.idp,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditPut(audit),
    ]);
    return { ...token, secretHash: newSecretHash, hint: newHint, lastUsedAt: null };
  }

  async remove(token: Token, audit: AuditEntry): Promise<void> {
    const { tenantId, id: tokenId } = token;
    const TableName = tableName();
    await this.transact(tenantId, tokenId, [
      {
        Delete: {
          TableName,
          Key: keys.token(tenantId, tokenId),
          ConditionExpression: 'secretHash = :hash',
          ExpressionAttributeValues: { ':hash': token.secretHash },
        },
      },
      { Delete: { TableName, Key: keys.tokenByHash(token.secretHash) } },
      {
        Update: {
          TableName,
          Key: keys.counters(tenantId),
          UpdateExpression: 'SET tokens = tokens - :one',
          ConditionExpression: 'tokens > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        },
      },
      auditPut(audit),
    ]);
  }

  async findByHash(secretHash: string): Promise<TokenByHash | undefined> {
    // Strongly consistent: a token revoked a moment ago must fail now (docs/data-model.md, access pattern 1).
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.tokenByHash(secretHash), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      tenantId: item.tenantId as string,
      tokenId: item.tokenId as string,
      status: item.status as TokenStatus,
      lastUsedAt: (item.lastUsedAt as string | undefined) ?? null,
      secretHash,
      idp: idpOrDefault(item.idp),
    };
  }

  /** Records use; called only when lastUsedAt is stale, so most requests write nothing. */
  async touch(token: TokenByHash, now: Date): Promise<void> {
    const TableName = tableName();
    const lastUsedAt = now.toISOString();
    const updates = [
      { Key: keys.tokenByHash(token.secretHash), condition: 'attribute_exists(pk)' },
      { Key: keys.token(token.tenantId, token.tokenId), condition: 'secretHash = :hash' },
    ];
    await Promise.all(
      updates.map((u) =>
        this.db
          .send(
            new UpdateCommand({
              TableName,
              Key: u.Key,
              UpdateExpression: 'SET lastUsedAt = :at',
              ConditionExpression: u.condition,
              ExpressionAttributeValues: {
                ':at': lastUsedAt,
                ...(u.condition.includes(':hash') ? { ':hash': token.secretHash } : {}),
              },
            }),
          )
          .catch((error) => {
            // The token was renewed or removed meanwhile: nothing to record.
            if (!isConditionalCheckFailed(error)) throw error;
          }),
      ),
    );
  }

  private async transact(
    tenantId: string,
    tokenId: string,
    TransactItems: NonNullable<TransactWriteCommandInput['TransactItems']>,
  ): Promise<void> {
    try {
      await tokenWrite(TransactItems);
    } catch (error) {
      if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) {
        // Changed or removed by a concurrent request between our read and our write.
        throw new WriteConflictError(
          `Token ${excerpt(tokenId)} of tenant ${tenantId} changed concurrently; retry`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }
}
