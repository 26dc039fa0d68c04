import {
  type BulkCreated,
  type BulkOperation,
  type BulkRequest,
  type BulkResourceType,
  circularReferenceError,
  notProcessedError,
  planBulkOrder,
  resolveOperation,
} from '../scim/bulk';
import type { GroupService } from './groups';
import type { UserSource } from './user-record';
import type { UserService } from './users';

/** What became of one operation: its status and resource, or the error to render (§3.7.3). */
export interface BulkOutcome {
  operation: BulkOperation;
  resourceType: BulkResourceType;
  /** The resource's id, when known (created, or the target of PUT/PATCH/DELETE). */
  id?: string;
  /** The resource's version after a successful POST, PUT or PATCH. */
  version?: number;
  /** The success status; absent with `error`. */
  status?: number;
  error?: unknown;
}

export interface BulkOptions {
  /**
   * Past this many milliseconds no further operation is started; the rest are answered 503. A
   * function has 28 s and must answer what it did (docs/decisions.md, "Bulk").
   */
  timeBudgetMs: number;
  now: () => number;
}

/** Milliseconds of the 28 s function timeout spent on operations, leaving room for the slowest one. */
export const BULK_TIME_BUDGET_MS = 20_000;

/**
 * RFC 7644 §3.7: the operations of one BulkRequest, each through the same use case as its single
 * request (UserService, GroupService: validation, uniqueness, `version` as If-Match, invitations
 * later from the stream). Operations are not a transaction: what succeeded stays applied when a later
 * one fails. `bulkId:` references are resolved from earlier creates in an order that puts every
 * referenced POST first; circular ones are answered 409. After `failOnErrors` errors the remaining
 * operations are not processed and not listed (§3.7.3).
 */
export class BulkService {
  private readonly options: BulkOptions;

  constructor(
    private readonly users: UserService,
    private readonly groups: GroupService,
    options: Partial<BulkOptions> = {},
  ) {
    this.options = { timeBudgetMs: BULK_TIME_BUDGET_MS, now: Date.now, ...options };
  }

  async execute(tenantId: string, request: BulkRequest, source: UserSource): Promise<BulkOutcome[]> {
    const { order, circular } = planBulkOrder(request.operations);
    const queue = [...order, ...circular];
    const isCircular = new Set(circular);
    const created = new Map<string, BulkCreated>();
    const outcomes: BulkOutcome[] = [];
    const started = this.options.now();
    let errors = 0;
    for (const [position, operation] of queue.entries()) {
      if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
      if (this.options.now() - started > this.options.timeBudgetMs) {
        for (const rest of queue.slice(position)) {
          outcomes.push({ operation: rest, resourceType: rest.resourceType, error: notProcessedError(rest) });
        }
        break;
      }
      const outcome = await this.attempt(tenantId, operation, isCircular.has(operation), created, source);
      if (operation.method === 'POST' && operation.bulkId !== undefined) {
        created.set(
          operation.bulkId,
          outcome.error || !outcome.id ? undefined : { resourceType: operation.resourceType, id: outcome.id },
        );
      }
      if (outcome.error) errors++;
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async attempt(
    tenantId: string,
    operation: BulkOperation,
    circular: boolean,
    created: ReadonlyMap<string, BulkCreated>,
    source: UserSource,
  ): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { operation, resourceType: operation.resourceType };
    try {
      if (circular) throw circularReferenceError(operation);
      const { id, data } = resolveOperation(operation, created);
      outcome.id = id;
      const done = await this.run(tenantId, operation, id, data, source);
      return { ...outcome, ...done };
    } catch (error) {
      return { ...outcome, error };
    }
  }

  private async run(
    tenantId: string,
    { method, resourceType, version: ifMatch }: BulkOperation,
    id: string | undefined,
    data: unknown,
    source: UserSource,
  ): Promise<{ id: string; version?: number; status: number }> {
    const target = id as string;
    if (resourceType === 'Users') {
      switch (method) {
        case 'POST': {
          const { user } = await this.users.create(tenantId, data, source);
          return { id: user.id, version: user.version, status: 201 };
        }
        case 'PUT': {
          const { user } = await this.users.replace(tenantId, target, data, ifMatch);
          return { id: user.id, version: user.version, status: 200 };
        }
        case 'PATCH': {
          const { user } = await this.users.patch(tenantId, target, data, ifMatch);
          return { id: user.id, version: user.version, status: 200 };
        }
        case 'DELETE':
          await this.users.delete(tenantId, target, ifMatch);
          return { id: target, status: 204 };
      }
    }
    switch (method) {
      case 'POST': {
        const group = await this.groups.create(tenantId, data, source);
        return { id: group.id, version: group.version, status: 201 };
      }
      case 'PUT': {
        const group = await this.groups.replace(tenantId, target, data, ifMatch);
        return { id: group.id, version: group.version, status: 200 };
      }
      case 'PATCH': {
        // As PATCH /Groups/{id} answers without attributes: 204 (docs/decisions.md).
        const group = await this.groups.patch(tenantId, target, data, ifMatch);
        return { id: group.id, version: group.version, status: 204 };
      }
      case 'DELETE':
        await this.groups.delete(tenantId, target, ifMatch);
        return { id: target, status: 204 };
    }
  }
}
