import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InviteRecord, InviteRepository } from '../domain/ports';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { isConditionalCheckFailed } from './errors';
import { keys } from './keys';

/**
 * The invite record of a user: the exactly-once guard of the invitation email. Acquiring is a
 * conditional write (absent, or pending with an expired lease); marking sent is conditioned on the
 * lease, so two deliveries of one stream record can never both send.
 */
export class DynamoInviteRepository implements InviteRepository {
  private readonly db = getDocumentClient();

  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async get(tenantId: string, userId: string): Promise<InviteRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.invite(tenantId, userId), ConsistentRead: true }),
    );
    return result.Item as InviteRecord | undefined;
  }

  /**
   * Takes the right to send. `resend` (admin) also takes over a sent or failed invite. Returns false
   * when someone else holds it or the invite was already sent (`get` tells which).
   */
  async acquire(
    tenantId: string,
    userId: string,
    email: string,
    leaseId: string,
    leaseMs: number,
    resend = false,
  ): Promise<boolean> {
    const now = Date.now();
    const condition = resend
      ? 'attribute_not_exists(pk) OR #state <> :pending OR leaseUntil < :now'
      : 'attribute_not_exists(pk) OR (#state = :pending AND leaseUntil < :now)';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invite(tenantId, userId),
          UpdateExpression:
            'SET #type = :type, tenantId = :tenant, userId = :user, #state = :pending, email = :email, leaseUntil = :lease, leaseId = :leaseId, updatedAt = :iso, createdAt = if_not_exists(createdAt, :iso), attempts = if_not_exists(attempts, :zero)',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state', '#type': 'type' },
          ExpressionAttributeValues: {
            ':type': 'invite',
            ':tenant': tenantId,
            ':user': userId,
            ':pending': 'pending',
            ':email': email,
            ':lease': now + leaseMs,
            ':leaseId': leaseId,
            ':iso': new Date(now).toISOString(),
            ':zero': 0,
            ':now': now,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async markSent(tenantId: string, userId: string, leaseId: string): Promise<void> {
    await this.finish(
      tenantId,
      userId,
      leaseId,
      'SET #state = :sent, sentAt = :iso, updatedAt = :iso, leaseUntil = :zero ADD attempts :one REMOVE lastError',
      {
        ':sent': 'sent',
      },
    );
  }

  /** A failed attempt: released for a retry (pending, lease expired) or given up (failed). */
  async markAttemptFailed(
    tenantId: string,
    userId: string,
    leaseId: string,
    error: string,
    giveUp: boolean,
  ): Promise<void> {
    await this.finish(
      tenantId,
      userId,
      leaseId,
      'SET #state = :state, lastError = :error, updatedAt = :iso, leaseUntil = :zero ADD attempts :one',
      {
        ':state': giveUp ? 'failed' : 'pending',
        ':error': error.slice(0, 500),
      },
    );
  }

  private async finish(
    tenantId: string,
    userId: string,
    leaseId: string,
    update: string,
    values: Record<string, unknown>,
  ) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invite(tenantId, userId),
          UpdateExpression: update,
          ConditionExpression: 'leaseId = :leaseId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ...values,
            ':leaseId': leaseId,
            ':iso': new Date().toISOString(),
            ':zero': 0,
            ':one': 1,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
