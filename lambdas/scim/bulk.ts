import { ScimError, type ScimErrorBody } from './errors';

/**
 * The Bulk messages of RFC 7644 §3.7, pure: parsing and validating a BulkRequest (nothing is applied
 * when it is malformed or over the limits), the bulkId references between its operations and the
 * order that resolves them (§3.7.1, §3.7.2), and rendering the BulkResponse (§3.7.3).
 */
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/**
 * Advertised in /ServiceProviderConfig (bulk.maxOperations) and enforced (413, §3.7.4). The body
 * limit (bulk.maxPayloadSize) is SCIM_LIMITS.maxPayloadBytes, enforced for every request. 100, not
 * 1000: the operations run one after the other inside one function (28 s), and one group operation
 * can cost many writes (docs/decisions.md, "Bulk").
 */
export const BULK_LIMITS = {
  maxOperations: 100,
  /**
   * Member values (objects with a `value`) across the request's group operations: each is up to
   * three items written, so 1000 bound the membership work of one request to about 40 transactions.
   * Larger membership changes go as single PATCH requests. Enforced with 413 like the others.
   */
  maxMemberValues: 1000,
} as const;

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type BulkResourceType = 'Users' | 'Groups';

const METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** A reference to the resource another operation creates (§3.7.2): `bulkId:` and a bulkId (no spaces). */
const REFERENCE = /^bulkId:(\S+)$/;

export interface BulkOperation {
  /** Position in the request's Operations, from 0. */
  index: number;
  method: BulkMethod;
  bulkId?: string;
  /** The operation's precondition (§3.7: `version`, like If-Match) for PUT, PATCH and DELETE. */
  version?: string;
  /** As sent, e.g. `/Users/bulkId:qwerty`. */
  path: string;
  resourceType: BulkResourceType;
  /** The target's id (PUT, PATCH, DELETE), possibly a `bulkId:<id>` reference. */
  id?: string;
  /** The body of the operation (POST, PUT, PATCH); `bulkId:` references still unresolved. */
  data?: Record<string, unknown>;
  /** The bulkIds this operation references, in its path and anywhere in its data. */
  references: string[];
}

export interface BulkRequest {
  /** Errors accepted before the rest of the operations is not processed (§3.7); absent: no limit. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

/** One operation of the BulkResponse (§3.7.3). */
export interface BulkOperationResult {
  method: BulkMethod;
  bulkId?: string;
  location?: string;
  version?: string;
  status: number;
  /** The SCIM Error of a failed operation (§3.12). */
  response?: ScimErrorBody;
}

const invalid = (scimType: 'invalidSyntax' | 'invalidValue' | 'invalidPath', detail: string) =>
  ScimError.badRequest(scimType, detail);

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
function field(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A BulkRequest (§3.7): its schemas, at most `maxOperations` operations (else 413, §3.7.4), each with
 * a method, a path of /Users or /Groups (with an id except for POST), data where the method needs it,
 * and a unique bulkId (required on POST). Anything else is a 400 for the whole request.
 */
export function parseBulkRequest(
  body: unknown,
  maxOperations: number = BULK_LIMITS.maxOperations,
): BulkRequest {
  if (!isObject(body)) throw invalid('invalidSyntax', 'The body must be a BulkRequest object');
  const schemas = field(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST_SCHEMA)) {
    throw invalid('invalidSyntax', `schemas must contain ${BULK_REQUEST_SCHEMA}`);
  }
  const operations = field(body, 'Operations');
  if (!Array.isArray(operations)) throw invalid('invalidSyntax', 'Operations must be an array');
  if (operations.length > maxOperations) {
    throw new ScimError(
      413,
      `The bulk request has ${operations.length} operations, more than maxOperations (${maxOperations})`,
    );
  }
  const failOnErrors = field(body, 'failOnErrors');
  if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) {
    throw invalid('invalidValue', 'failOnErrors must be a positive integer');
  }
  const parsed = operations.map(parseOperation);
  const memberValues = parsed
    .filter((operation) => operation.resourceType === 'Groups')
    .reduce((sum, operation) => sum + countValueObjects(operation.data), 0);
  if (memberValues > BULK_LIMITS.maxMemberValues) {
    throw new ScimError(
      413,
      `The bulk request's group operations carry ${memberValues} member values, more than ` +
        `${BULK_LIMITS.maxMemberValues}; send larger membership changes as single PATCH requests`,
    );
  }
  const seen = new Set<string>();
  for (const operation of parsed) {
    if (operation.bulkId === undefined) continue;
    if (seen.has(operation.bulkId)) {
      throw invalid(
        'invalidValue',
        `Operations[${operation.index}]: bulkId "${operation.bulkId}" is not unique`,
      );
    }
    seen.add(operation.bulkId);
  }
  return {
    ...(failOnErrors === undefined ? {} : { failOnErrors: failOnErrors as number }),
    operations: parsed,
  };
}

function parseOperation(raw: unknown, index: number): BulkOperation {
  const at = `Operations[${index}]`;
  if (!isObject(raw)) throw invalid('invalidSyntax', `${at} must be an object`);
  const method = field(raw, 'method');
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    throw invalid('invalidSyntax', `${at}.method must be one of POST, PUT, PATCH, DELETE`);
  }
  const bulkId = field(raw, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || !/^\S+$/.test(bulkId))) {
    throw invalid('invalidValue', `${at}.bulkId must be a non-empty string without spaces`);
  }
  if (method === 'POST' && bulkId === undefined) {
    throw invalid('invalidSyntax', `${at}: bulkId is required with POST (RFC 7644 §3.7)`);
  }
  const version = field(raw, 'version');
  if (version !== undefined && typeof version !== 'string') {
    throw invalid('invalidValue', `${at}.version must be a string (an ETag)`);
  }
  const path = field(raw, 'path');
  if (typeof path !== 'string') throw invalid('invalidSyntax', `${at}.path is required`);
  const { resourceType, id } = parsePath(path, method as BulkMethod, at);
  const data = field(raw, 'data');
  if (method !== 'DELETE' && !isObject(data)) {
    throw invalid('invalidSyntax', `${at}.data must be an object with ${method}`);
  }
  const references = new Set<string>();
  const idReference = id === undefined ? undefined : REFERENCE.exec(id)?.[1];
  if (idReference !== undefined) references.add(idReference);
  if (method !== 'DELETE') collectReferences(data, references);
  return {
    index,
    method: method as BulkMethod,
    ...(bulkId === undefined ? {} : { bulkId: bulkId as string }),
    ...(version === undefined ? {} : { version }),
    path,
    resourceType,
    ...(id === undefined ? {} : { id }),
    ...(method === 'DELETE' ? {} : { data: data as Record<string, unknown> }),
    references: [...references],
  };
}

/** `/Users`, `/Groups` for POST; `/Users/{id}`, `/Groups/{id}` (id possibly `bulkId:<id>`) otherwise. */
function parsePath(
  path: string,
  method: BulkMethod,
  at: string,
): { resourceType: BulkResourceType; id?: string } {
  const match = /^\/(Users|Groups)(?:\/([^/?#]+))?$/.exec(path);
  const id = match?.[2];
  if (!match || id === '.search') {
    throw invalid('invalidPath', `${at}.path must be /Users, /Groups, /Users/{id} or /Groups/{id}`);
  }
  if (method === 'POST' && id !== undefined) {
    throw invalid('invalidPath', `${at}: POST goes to /${match[1]}, without an id`);
  }
  if (method !== 'POST' && id === undefined) {
    throw invalid('invalidPath', `${at}: ${method} needs the resource's id in the path (/${match[1]}/{id})`);
  }
  return { resourceType: match[1] as BulkResourceType, ...(id === undefined ? {} : { id }) };
}

/** Objects with a `value` key, at any depth: member values of a group body or PatchOp. */
function countValueObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countValueObjects(item), 0);
  if (!isObject(value)) return 0;
  const own = Object.keys(value).some((k) => k.toLowerCase() === 'value') ? 1 : 0;
  return Object.values(value).reduce((sum: number, item) => sum + countValueObjects(item), own);
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    const reference = REFERENCE.exec(value)?.[1];
    if (reference !== undefined) into.add(reference);
  } else if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, into);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) collectReferences(item, into);
  }
}

/**
 * The order to process the operations in (§3.7.1): an operation that references a bulkId goes after
 * the POST that declares it, whatever their order in the request; otherwise request order is kept.
 * Operations on a circular chain of references, or depending on one, are returned as `circular`:
 * this service does not break cycles and answers them 409, as §3.7.1 allows. References to bulkIds no
 * operation declares do not order anything; `resolveOperation` refuses them.
 */
export function planBulkOrder(operations: BulkOperation[]): {
  order: BulkOperation[];
  circular: BulkOperation[];
} {
  const declaring = new Map<string, BulkOperation>();
  for (const operation of operations) {
    if (operation.method === 'POST' && operation.bulkId !== undefined)
      declaring.set(operation.bulkId, operation);
  }
  const pending = new Map<BulkOperation, Set<BulkOperation>>();
  for (const operation of operations) {
    const dependencies = new Set<BulkOperation>();
    for (const reference of operation.references) {
      const declared = declaring.get(reference);
      if (declared) dependencies.add(declared);
    }
    pending.set(operation, dependencies);
  }
  const order: BulkOperation[] = [];
  const done = new Set<BulkOperation>();
  for (let progress = true; progress; ) {
    progress = false;
    // The first operation (in request order) whose dependencies are all done goes next.
    for (const operation of operations) {
      if (done.has(operation)) continue;
      if ([...(pending.get(operation) ?? [])].every((d) => done.has(d))) {
        order.push(operation);
        done.add(operation);
        progress = true;
        break;
      }
    }
  }
  return { order, circular: operations.filter((operation) => !done.has(operation)) };
}

/** What a POST declaring a bulkId produced: the new resource, or `undefined` when the POST failed. */
export type BulkCreated = { resourceType: BulkResourceType; id: string } | undefined;

/**
 * The operation with its `bulkId:` references replaced by the ids of the resources created earlier in
 * the same request (§3.7.2), in the path and anywhere in the data. A reference to a bulkId that no POST
 * of the request declares is a 400; to a POST that failed, a 409.
 */
export function resolveOperation(
  operation: BulkOperation,
  created: ReadonlyMap<string, BulkCreated>,
): { id?: string; data?: Record<string, unknown> } {
  const at = `Operations[${operation.index}]`;
  const idOf = (reference: string): string => {
    if (!created.has(reference)) {
      throw invalid(
        'invalidValue',
        `${at} references bulkId "${reference}", which no POST of this request declares`,
      );
    }
    const made = created.get(reference);
    if (!made) {
      throw new ScimError(409, `${at} references bulkId "${reference}", whose operation failed`);
    }
    return made.id;
  };
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const reference = REFERENCE.exec(value)?.[1];
      return reference === undefined ? value : idOf(reference);
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return {
    ...(operation.id === undefined ? {} : { id: resolve(operation.id) as string }),
    ...(operation.data === undefined ? {} : { data: resolve(operation.data) as Record<string, unknown> }),
  };
}

/** The answer of an operation on a circular chain of bulkId references (§3.7.1 allows 409). */
export function circularReferenceError(operation: BulkOperation): ScimError {
  return new ScimError(
    409,
    `Operations[${operation.index}] is on, or depends on, a circular chain of bulkId references; ` +
      'circular references are not resolved',
  );
}

/** The answer of an operation left unprocessed because the request's time budget was spent. */
export function notProcessedError(operation: BulkOperation): ScimError {
  return new ScimError(
    503,
    `Operations[${operation.index}] was not processed: the bulk request ran out of time; send it again`,
  );
}

/** The BulkResponse (§3.7.3): per operation its method, bulkId, location, version and status (a string). */
export function bulkResponse(results: BulkOperationResult[]): Record<string, unknown> {
  return {
    schemas: [BULK_RESPONSE_SCHEMA],
    Operations: results.map((result) => ({
      ...(result.location === undefined ? {} : { location: result.location }),
      method: result.method,
      ...(result.bulkId === undefined ? {} : { bulkId: result.bulkId }),
      ...(result.version === undefined ? {} : { version: result.version }),
      status: String(result.status),
      ...(result.response === undefined ? {} : { response: result.response }),
    })),
  };
}
