import type { AuditEntry } from '../../../lambdas/domain/audit';
import { InvalidInputError, LimitExceededError, WriteConflictError } from '../../../lambdas/domain/errors';
import type {
  AuditRepository,
  CursorPage,
  InviteRecord,
  InviteRepository,
  InviteState,
  MailEventChange,
  Mailer,
  MailMessage,
  SentInvite,
  SettingsRepository,
  TokenRepository,
} from '../../../lambdas/domain/ports';
import { DEFAULT_SETTINGS, type TenantSettings } from '../../../lambdas/domain/settings';
import {
  MAX_TOKENS_PER_TENANT,
  type Token,
  type TokenByHash,
  type TokenStatus,
} from '../../../lambdas/domain/tokens';
import { copy, keyOf } from './shared';

/** Settings, invites and tokens as lambdas/store/ keeps them, and a mailer that records. */

/**
 * The audit trail as the token and settings repositories write it with each change: newest first,
 * paged by an opaque cursor bound to its tenant. Shared by the token and settings fakes of one
 * `inMemoryPorts()`, as they share one table.
 */
export class InMemoryAuditRepository implements AuditRepository {
  private readonly entries: AuditEntry[] = [];

  record(entry: AuditEntry): void {
    this.entries.push(copy(entry));
  }

  /** Every entry of a tenant, oldest first (for assertions). */
  of(tenantId: string): AuditEntry[] {
    return copy(this.entries.filter((e) => e.tenantId === tenantId));
  }

  async list(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<AuditEntry>> {
    const newestFirst = this.entries
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry }) => entry.tenantId === tenantId)
      .reverse();
    let start = 0;
    if (cursor) {
      const [cursorTenant, after] = cursor.split('|');
      const at = newestFirst.findIndex(({ index }) => String(index) === after);
      if (cursorTenant !== tenantId || at < 0) throw new InvalidInputError('The cursor is not valid');
      start = at + 1;
    }
    const page = newestFirst.slice(start, start + limit);
    const more = start + limit < newestFirst.length;
    return {
      records: copy(page.map(({ entry }) => entry)),
      nextCursor: more ? `${tenantId}|${page[page.length - 1].index}` : null,
    };
  }
}

/** One item per tenant; absent means the defaults. A save is conditioned on the revision it read. */
export class InMemorySettingsRepository implements SettingsRepository {
  private readonly settings = new Map<string, { settings: TenantSettings; revision: string }>();
  private revisions = 0;

  constructor(readonly audit = new InMemoryAuditRepository()) {}

  async get(tenantId: string): Promise<TenantSettings> {
    return (await this.getForUpdate(tenantId)).settings;
  }

  async getForUpdate(tenantId: string): Promise<{ settings: TenantSettings; revision: string | null }> {
    const stored = this.settings.get(tenantId);
    return { settings: copy(stored?.settings ?? DEFAULT_SETTINGS), revision: stored?.revision ?? null };
  }

  /** `write` may be left out by tests that only arrange settings (nothing is then recorded). */
  async put(
    tenantId: string,
    settings: TenantSettings,
    write?: { revision: string | null; audit: AuditEntry },
  ): Promise<void> {
    if (write && write.revision !== (this.settings.get(tenantId)?.revision ?? null)) {
      throw new WriteConflictError(`The settings of tenant ${tenantId} changed concurrently; retry`);
    }
    this.settings.set(tenantId, { settings: copy(settings), revision: String(++this.revisions) });
    if (write) this.audit.record(write.audit);
  }
}

/** The invite record with its lease, as the store's conditional updates keep it. */
export class InMemoryInviteRepository implements InviteRepository {
  private readonly records = new Map<string, InviteRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(tenantId: string, userId: string): Promise<InviteRecord | undefined> {
    return copy(this.records.get(keyOf(tenantId, userId)));
  }

  async acquire(
    tenantId: string,
    userId: string,
    email: string,
    leaseId: string,
    leaseMs: number,
    resend = false,
  ): Promise<boolean> {
    const now = this.now();
    const record = this.records.get(keyOf(tenantId, userId));
    const free = resend
      ? record?.state !== 'pending' || record.leaseUntil < now
      : !record || (record.state === 'pending' && record.leaseUntil < now);
    if (!free) return false;
    const iso = new Date(now).toISOString();
    this.records.set(keyOf(tenantId, userId), {
      ...record,
      state: 'pending',
      email,
      leaseUntil: now + leaseMs,
      leaseId,
      updatedAt: iso,
      createdAt: record?.createdAt ?? iso,
      attempts: record?.attempts ?? 0,
    });
    return true;
  }

  /** messageId -> owner, as the store's pointer items keep them. */
  readonly messages = new Map<string, { tenantId: string; userId: string }>();

  async markSent(tenantId: string, userId: string, leaseId: string, sent: SentInvite): Promise<void> {
    if (sent.messageId) this.messages.set(sent.messageId, { tenantId, userId });
    this.finish(tenantId, userId, leaseId, (record, iso) => {
      const { lastError: _e, linkUsedAt: _u, mailEventAt: _m, ...rest } = record;
      return { ...rest, state: 'sent', sentAt: iso, messageId: sent.messageId, linkNonce: sent.linkNonce };
    });
  }

  async messageOwner(messageId: string): Promise<{ tenantId: string; userId: string } | undefined> {
    return copy(this.messages.get(messageId));
  }

  async recordMailEvent(
    tenantId: string,
    userId: string,
    messageId: string,
    from: readonly InviteState[],
    change: MailEventChange,
  ): Promise<boolean> {
    const record = this.records.get(keyOf(tenantId, userId));
    if (!record || record.messageId !== messageId || !from.includes(record.state)) return false;
    const next: InviteRecord = {
      ...record,
      updatedAt: new Date(this.now()).toISOString(),
      mailEventAt: change.at,
      ...(change.state ? { state: change.state } : {}),
      ...(change.error ? { lastError: change.error.slice(0, 500) } : {}),
    };
    if (change.state === 'delivered' && !change.error) delete next.lastError;
    this.records.set(keyOf(tenantId, userId), next);
    return true;
  }

  async consumeLink(tenantId: string, userId: string, linkNonce: string, at: string): Promise<boolean> {
    const record = this.records.get(keyOf(tenantId, userId));
    if (!record || record.linkNonce !== linkNonce || record.linkUsedAt) return false;
    this.records.set(keyOf(tenantId, userId), { ...record, linkUsedAt: at, updatedAt: at });
    return true;
  }

  async markAttemptFailed(
    tenantId: string,
    userId: string,
    leaseId: string,
    error: string,
    giveUp: boolean,
  ): Promise<void> {
    this.finish(tenantId, userId, leaseId, (record) => ({
      ...record,
      state: giveUp ? 'failed' : 'pending',
      lastError: error.slice(0, 500),
    }));
  }

  /** Conditioned on the lease: a sender that lost it changes nothing (and is not told). */
  private finish(
    tenantId: string,
    userId: string,
    leaseId: string,
    change: (record: InviteRecord, iso: string) => InviteRecord,
  ): void {
    const record = this.records.get(keyOf(tenantId, userId));
    if (record?.leaseId !== leaseId) return;
    const iso = new Date(this.now()).toISOString();
    const changed = change(record, iso);
    this.records.set(keyOf(tenantId, userId), {
      ...changed,
      updatedAt: iso,
      leaseUntil: 0,
      attempts: record.attempts + 1,
    });
  }
}

/** Tokens under the tenant (at most MAX_TOKENS_PER_TENANT) and under the secret's hash. */
export class InMemoryTokenRepository implements TokenRepository {
  private readonly tokens = new Map<string, Token>();
  private readonly byHash = new Map<string, TokenByHash>();

  constructor(readonly audit = new InMemoryAuditRepository()) {}

  async create(token: Token, audit: AuditEntry): Promise<void> {
    if ((await this.list(token.tenantId)).length >= MAX_TOKENS_PER_TENANT) {
      throw new LimitExceededError(
        `A tenant can hold at most ${MAX_TOKENS_PER_TENANT} tokens; remove one before generating another`,
      );
    }
    if (this.tokens.has(keyOf(token.tenantId, token.id)) || this.byHash.has(token.secretHash)) {
      throw new WriteConflictError();
    }
    this.tokens.set(keyOf(token.tenantId, token.id), copy(token));
    this.byHash.set(token.secretHash, this.hashItem(token));
    this.audit.record(audit);
  }

  async list(tenantId: string): Promise<Token[]> {
    return copy(
      [...this.tokens.values()]
        .filter((t) => t.tenantId === tenantId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    );
  }

  async get(tenantId: string, tokenId: string): Promise<Token | undefined> {
    return copy(this.tokens.get(keyOf(tenantId, tokenId)));
  }

  async setStatus(token: Token, status: TokenStatus, audit: AuditEntry): Promise<Token> {
    const stored = this.unchanged(token);
    const byHash = this.byHash.get(token.secretHash);
    if (!byHash || stored.status !== token.status) throw this.conflict(token);
    stored.status = status;
    byHash.status = status;
    this.audit.record(audit);
    return { ...token, status };
  }

  async replaceSecret(
    token: Token,
    newSecretHash: string,
    newHint: string,
    audit: AuditEntry,
  ): Promise<Token> {
    const stored = this.unchanged(token);
    if (this.byHash.has(newSecretHash)) throw this.conflict(token);
    Object.assign(stored, { secretHash: newSecretHash, hint: newHint, lastUsedAt: null });
    this.byHash.delete(token.secretHash);
    this.byHash.set(newSecretHash, this.hashItem({ ...token, secretHash: newSecretHash, lastUsedAt: null }));
    this.audit.record(audit);
    return { ...token, secretHash: newSecretHash, hint: newHint, lastUsedAt: null };
  }

  async remove(token: Token, audit: AuditEntry): Promise<void> {
    this.unchanged(token);
    this.tokens.delete(keyOf(token.tenantId, token.id));
    this.byHash.delete(token.secretHash);
    this.audit.record(audit);
  }

  async findByHash(secretHash: string): Promise<TokenByHash | undefined> {
    return copy(this.byHash.get(secretHash));
  }

  async touch(token: TokenByHash, now: Date): Promise<void> {
    const lastUsedAt = now.toISOString();
    const byHash = this.byHash.get(token.secretHash);
    if (byHash) byHash.lastUsedAt = lastUsedAt;
    const stored = this.tokens.get(keyOf(token.tenantId, token.tokenId));
    if (stored?.secretHash === token.secretHash) stored.lastUsedAt = lastUsedAt;
  }

  /** The stored token, provided its secret is still the one read (else renewed or removed meanwhile). */
  private unchanged(token: Token): Token {
    const stored = this.tokens.get(keyOf(token.tenantId, token.id));
    if (stored?.secretHash !== token.secretHash) throw this.conflict(token);
    return stored;
  }

  private conflict(token: Token): WriteConflictError {
    return new WriteConflictError(
      `Token ${token.id} of tenant ${token.tenantId} changed concurrently; retry`,
    );
  }

  private hashItem(token: Token): TokenByHash {
    const { tenantId, id: tokenId, status, lastUsedAt, secretHash, idp } = token;
    return { tenantId, tokenId, status, lastUsedAt, secretHash, idp };
  }
}

/** A Mailer that keeps what it is given; `failNext` makes the next send refused (as SES would). */
export interface RecordingMailer extends Mailer {
  readonly sent: MailMessage[];
  failNext(error: Error): void;
}

export function recordingMailer(): RecordingMailer {
  const sent: MailMessage[] = [];
  const failures: Error[] = [];
  const send: Mailer = async (message) => {
    const failure = failures.shift();
    if (failure) throw failure;
    sent.push(copy(message));
    return { messageId: `message-${sent.length}` };
  };
  return Object.assign(send, { sent, failNext: (error: Error) => void failures.push(error) });
}
