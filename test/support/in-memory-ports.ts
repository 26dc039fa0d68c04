import {
  InMemoryAuditRepository,
  InMemoryInviteRepository,
  InMemorySettingsRepository,
  InMemoryTokenRepository,
  recordingMailer,
} from './in-memory/admin';
import { InMemoryMembershipRepository } from './in-memory/memberships';
import { InMemoryGroupRepository, InMemoryUserRepository } from './in-memory/resources';

/**
 * In-memory fakes of the domain's ports (lambdas/domain/ports.ts), for unit tests of the use cases:
 * Maps, no I/O, and the contracts of the DynamoDB implementations in lambdas/store/ — guards
 * case-insensitive on userName / displayName, optimistic concurrency on `version`, memberCount and
 * the group's version moved by membership changes, index order lower(name) then id, cursors bound
 * to their tenant and listing, replace tickets, and the errors of lambdas/domain/errors.ts. Records
 * are copied in and out, as a table would. Each write method of users, groups and memberships honours
 * `failNextWrite(error)` and `beforeNextWrite(action)` (see WriteHooks).
 */
export * from './in-memory/admin';
export * from './in-memory/memberships';
export * from './in-memory/request-log';
export * from './in-memory/resources';
export { copy, WriteHooks } from './in-memory/shared';

/** Every port, wired together over one in-memory "table". */
export function inMemoryPorts(options: { pageSize?: number } = {}) {
  const users = new InMemoryUserRepository(options.pageSize);
  const groups = new InMemoryGroupRepository(options.pageSize);
  // Token and settings changes record their audit entries here, as in the table's audit partition.
  const audit = new InMemoryAuditRepository();
  return {
    audit,
    users,
    groups,
    memberships: new InMemoryMembershipRepository(users, groups),
    settings: new InMemorySettingsRepository(audit),
    invites: new InMemoryInviteRepository(),
    tokens: new InMemoryTokenRepository(audit),
    mailer: recordingMailer(),
  };
}

export type InMemoryPorts = ReturnType<typeof inMemoryPorts>;
