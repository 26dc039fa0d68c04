import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  InviteRecord,
  InviteRepository,
  InviteState,
  MailEventChange,
  SentInvite,
} from '../domain/ports';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { isConditionalCheckFailed } from './errors';
import { keys } from './keys';

/** How long the pointer messageId -> invite is kept: SES reports bounces and complaints within days. */
export const MAIL_MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

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

  /**
   * The pointer first (an event can only come after the send, and a pointer whose invite then lost its
   * lease is harmless: its events read stale), then the invite, conditioned on the lease: the new
   * message id and link nonce, the previous link's use and mail event forgotten.
   */
  async markSent(tenantId: string, userId: string, leaseId: string, sent: SentInvite): Promise<void> {
    if (sent.messageId)
      await this.db.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.mailMessage(sent.messageId),
            type: 'mailMessage',
            tenantId,
            userId,
            expiresAt: Math.floor(Date.now() / 1000) + MAIL_MESSAGE_TTL_SECONDS,
          },
        }),
      );
    await this.finish(
      tenantId,
      userId,
      leaseId,
      'SET #state = :sent, sentAt = :iso, updatedAt = :iso, leaseUntil = :zero, messageId = :messageId, linkNonce = :nonce ADD attempts :one REMOVE lastError, linkUsedAt, mailEventAt',
      {
        ':sent': 'sent',
        ':messageId': sent.messageId,
        ':nonce': sent.linkNonce,
      },
    );
  }

  async messageOwner(messageId: string): Promise<{ tenantId: string; userId: string } | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.mailMessage(messageId), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item || typeof item.tenantId !== 'string' || typeof item.userId !== 'string') return undefined;
    return { tenantId: item.tenantId, userId: item.userId };
  }

  /** One conditional update: still this message, and a state the move is allowed from. */
  async recordMailEvent(
    tenantId: string,
    userId: string,
    messageId: string,
    from: readonly InviteState[],
    change: MailEventChange,
  ): Promise<boolean> {
    const fromValues = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
    const sets = ['updatedAt = :iso', 'mailEventAt = :at'];
    const values: Record<string, unknown> = {
      ...fromValues,
      ':messageId': messageId,
      ':iso': new Date().toISOString(),
      ':at': change.at,
    };
    if (change.state) {
      sets.push('#state = :state');
      values[':state'] = change.state;
    }
    if (change.error) {
      sets.push('lastError = :error');
      values[':error'] = change.error.slice(0, 500);
    }
    const remove = change.state === 'delivered' && !change.error ? ' REMOVE lastError' : '';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invite(tenantId, userId),
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: `messageId = :messageId AND #state IN (${Object.keys(fromValues).join(', ')})`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Exactly one caller wins: the nonce must still be the invite's, and the link unused. */
  async consumeLink(tenantId: string, userId: string, linkNonce: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invite(tenantId, userId),
          UpdateExpression: 'SET linkUsedAt = :at, updatedAt = :at',
          ConditionExpression: 'linkNonce = :nonce AND attribute_not_exists(linkUsedAt)',
          ExpressionAttributeValues: { ':nonce': linkNonce, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
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
