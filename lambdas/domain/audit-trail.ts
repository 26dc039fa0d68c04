import { AUDIT_PAGE, type AuditEntry } from './audit';
import { InvalidInputError } from './errors';
import type { AuditRepository, CursorPage } from './ports';
import { assertTenantId } from './tokens';

/** `GET …/audit`: a tenant's audit trail, newest first, a page at a time. */
export class AuditTrailService {
  constructor(private readonly audit: AuditRepository) {}

  /** `limit` 1 to AUDIT_PAGE.max; a cursor of another tenant or listing is an InvalidInputError. */
  async list(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<AuditEntry>> {
    const tenant = assertTenantId(tenantId);
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE.max) {
      const message = `limit must be an integer from 1 to ${AUDIT_PAGE.max}`;
      throw new InvalidInputError(message, { fields: [{ path: 'limit', message }] });
    }
    return this.audit.list(tenant, limit, cursor);
  }
}
