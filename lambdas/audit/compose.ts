import { AuditTrailService } from '../domain/audit-trail';
import { DynamoAuditRepository } from '../store/audit-repository';

/** The audit function's wiring: the trail is read from the table (the cursor key is read at cold start). */
export function auditTrail(): AuditTrailService {
  return new AuditTrailService(new DynamoAuditRepository());
}
