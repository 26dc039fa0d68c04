import { checkTenant, type Finding } from '../../lambdas/store/consistency-check';

/**
 * Fails the test, listing every finding, unless the tenant's items keep every invariant of
 * docs/data-model.md (lambdas/store/consistency-check.ts). Reads the current process's table
 * (TABLE_NAME, set by startTestService) through the store's client, so a test that put a failing
 * proxy in front of DynamoDB Local stops its failures first. Run it once the writes have settled.
 */
export async function expectConsistent(tenantId: string): Promise<void> {
  const report = await checkTenant(tenantId);
  if (report.findings.length === 0) return;
  throw new Error(
    `tenant ${tenantId} is inconsistent (${report.findings.length} findings):\n${report.findings.map(describe).join('\n')}`,
  );
}

const describe = (f: Finding) =>
  `  ${f.kind}: ${f.message} [${f.keys.map((k) => `${k.pk} / ${k.sk}`).join(', ')}]`;
