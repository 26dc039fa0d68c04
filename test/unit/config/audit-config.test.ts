import { DEFAULT_AUDIT_RETENTION_DAYS, readAuditConfig } from '../../../lambdas/config/runtime-config';

describe('the audit retention, read at cold start', () => {
  const saved = process.env.AUDIT_RETENTION_DAYS;
  afterEach(() => {
    if (saved === undefined) delete process.env.AUDIT_RETENTION_DAYS;
    else process.env.AUDIT_RETENTION_DAYS = saved;
  });

  test('not set: 365 days', () => {
    delete process.env.AUDIT_RETENTION_DAYS;
    expect(readAuditConfig()).toEqual({ retentionDays: DEFAULT_AUDIT_RETENTION_DAYS });
    expect(DEFAULT_AUDIT_RETENTION_DAYS).toBe(365);
  });

  test('a whole number of days is taken', () => {
    process.env.AUDIT_RETENTION_DAYS = '30';
    expect(readAuditConfig()).toEqual({ retentionDays: 30 });
  });

  test.each(['0', '-5', '1.5', 'a year', '3651'])('%j stops the cold start, naming the variable', (value) => {
    process.env.AUDIT_RETENTION_DAYS = value;
    expect(() => readAuditConfig()).toThrow(/AUDIT_RETENTION_DAYS must be a whole number of days/);
  });
});
