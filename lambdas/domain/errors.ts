import type { ScimType } from '../scim/errors';

/**
 * The one error family of the service. Use cases and the store throw these (the protocol core throws
 * its own `ScimError`, RFC 7644 §3.12, for malformed protocol input); each API has one mapper that
 * renders them (`lambdas/http/error-mappers.ts`): SCIM Error schema on SCIM routes, `{error, message}`
 * on admin routes. Every error keeps its `cause`, so the log shows what DynamoDB or SES really said.
 */
export abstract class DomainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * One invalid input of an admin request, named by its path as the console's form knows it:
 * `limit`, `idp`, `cursor`, `customAttributes[0].name`, `inviteEmail.subject` (JSON path without `$.`).
 */
export interface FieldError {
  path: string;
  message: string;
}

/** `path: message; …` of the first problems, for the readable message beside `fields`. */
export function describeFieldErrors(fields: readonly FieldError[], max = 10): string {
  const shown = fields.slice(0, max).map((f) => (f.path ? `${f.path}: ${f.message}` : f.message));
  const more = fields.length > max ? ` and ${fields.length - max} more problems` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Input the rules refuse: a value too long for a key, members that are not users of the tenant,
 * settings that do not validate, a cursor of another listing. `scimType` says how a SCIM client is
 * told (RFC 7644 §3.12); `fields` name the offending fields for the admin console.
 */
export class InvalidInputError extends DomainError {
  readonly scimType: ScimType;
  readonly fields?: FieldError[];

  constructor(message: string, options?: ErrorOptions & { scimType?: ScimType; fields?: FieldError[] }) {
    super(message, options);
    this.scimType = options?.scimType ?? 'invalidValue';
    this.fields = options?.fields;
  }
}

/** The resource does not exist in this tenant (another tenant's id is simply not found). */
export class NotFoundError extends DomainError {}

/** A name that must be unique in the tenant is taken (userName, group displayName). */
export class UniquenessError extends DomainError {}

/**
 * A concurrent writer got there first: the version moved or the item is gone between read and write.
 * Use cases retry from a fresh read; what escapes them becomes 412 (SCIM) or 409 (admin).
 */
export class WriteConflictError extends DomainError {
  constructor(message = 'The resource was modified concurrently', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The group was deleted while its members were being changed. */
export class GroupVanishedError extends WriteConflictError {
  constructor(options?: ErrorOptions) {
    super('The group was deleted concurrently', options);
  }
}

/** A later replace of the member set started: this replace's remaining changes were not applied. */
export class ReplaceSupersededError extends WriteConflictError {
  constructor(options?: ErrorOptions) {
    super('A later replace of the member set superseded this one', options);
  }
}

/** The client's precondition does not hold (RFC 7644 §3.14 If-Match), or a conflict outlasted the retries. */
export class PreconditionFailedError extends DomainError {}

/**
 * A limit of the service: a tenant's 2 tokens, a filter that matches more than can be sorted.
 * `scimType` is `tooMany` (RFC 7644 §3.12) where a SCIM client can be told so.
 */
export class LimitExceededError extends DomainError {}

/** A dependency outside the table refused the work (SES): worth retrying later. */
export class DeliveryFailedError extends DomainError {}

/**
 * The table failed in a way the rules cannot act on (throttled beyond the SDK's retries, unreachable,
 * refused a request). The store wraps every such error in this at its boundary; it becomes a 503 with
 * Retry-After and the request id (the client retries), and the cause goes to the log only.
 */
export class StorageFailureError extends DomainError {
  constructor(options: ErrorOptions) {
    super('The table could not be read or written', options);
  }
}
