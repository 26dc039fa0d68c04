/**
 * The PatchOp message (RFC 7644 §3.5.2): its schema, its limits, and the validation of a PATCH
 * request body into a list of operations.
 */
import { ScimError } from '../errors';
import { excerpt } from '../excerpt';
import { isObject, keyOf, readKey } from './keys';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Upper bound of operations in one PATCH request (Okta sends up to 1,000 membership changes). */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One validated PATCH operation. `op` is lower-cased; `path` is absent when the client sent none. */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  /** Absent when the client sent none (allowed only for `remove`). */
  value?: unknown;
}

/**
 * Validates a PATCH request body (RFC 7644 §3.5.2) and returns its operations.
 * Lenient where real clients are: `schemas` and `Operations` keys and the `op` values are matched
 * case-insensitively (Entra sends `"op": "Replace"`), and an empty `path` counts as none.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) {
    throw ScimError.badRequest('invalidSyntax', 'The PATCH request body must be a JSON object');
  }
  const schemas = readKey(body, 'schemas');
  const schemaList = typeof schemas === 'string' ? [schemas] : schemas;
  if (
    !Array.isArray(schemaList) ||
    !schemaList.some((s) => typeof s === 'string' && s.trim().toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw ScimError.badRequest(
      'invalidSyntax',
      `The PATCH request 'schemas' must contain '${PATCH_OP_SCHEMA}'`,
    );
  }
  const operations = readKey(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.badRequest('invalidSyntax', "The PATCH request must have a non-empty 'Operations' array");
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.badRequest(
      'invalidValue',
      `A PATCH request may hold at most ${MAX_PATCH_OPERATIONS} operations; this one has ${operations.length}`,
    );
  }
  return operations.map((raw, index) => parseOperation(raw, index));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw ScimError.badRequest('invalidSyntax', `${where} must be a JSON object`);
  const opValue = readKey(raw, 'op');
  const op = typeof opValue === 'string' ? opValue.trim().toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw ScimError.badRequest(
      'invalidSyntax',
      `${where}.op must be 'add', 'replace' or 'remove' (got ${excerpt(JSON.stringify(opValue ?? null))})`,
    );
  }
  const pathValue = readKey(raw, 'path');
  if (pathValue !== undefined && pathValue !== null && typeof pathValue !== 'string') {
    throw ScimError.badRequest('invalidPath', `${where}.path must be a string`);
  }
  const path = typeof pathValue === 'string' && pathValue.trim() !== '' ? pathValue.trim() : undefined;
  const hasValue = keyOf(raw, 'value') !== undefined;
  const value = readKey(raw, 'value');
  const operation: PatchOperation = { op };
  if (path !== undefined) operation.path = path;
  if (op === 'remove') {
    // §3.5.2.2: without a path there is nothing to remove.
    if (path === undefined) throw ScimError.badRequest('noTarget', `${where}: 'remove' requires a 'path'`);
    // Entra sends a value with remove to name the members to drop; `null` means no value.
    if (value !== undefined && value !== null) operation.value = value;
  } else {
    // §3.5.2.1 / §3.5.2.3: add and replace carry the value to write (`null` is allowed: unassign).
    if (!hasValue) throw ScimError.badRequest('invalidValue', `${where}: '${op}' requires a 'value'`);
    operation.value = value;
  }
  return operation;
}

/** Prefixes a ScimError's detail with the index of the operation that raised it (`Operations[i]: ...`). */
export function withOperationIndex(error: unknown, index: number): unknown {
  if (!(error instanceof ScimError)) return error;
  return new ScimError(error.status, `Operations[${index}]: ${error.detail}`, error.scimType, error.headers);
}
