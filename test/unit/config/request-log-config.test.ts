import { readRequestLogConfig } from '../../../lambdas/config/runtime-config';

describe('request-log configuration, read at cold start', () => {
  test('defaults: stdout (AWS) and 30 days', () => {
    expect(readRequestLogConfig({})).toEqual({ sink: 'stdout', retentionDays: 30 });
  });

  test.each(['stdout', 'direct', 'off'] as const)('REQUEST_LOG_SINK=%s is taken', (sink) => {
    expect(readRequestLogConfig({ REQUEST_LOG_SINK: sink, REQUEST_LOG_RETENTION_DAYS: '7' })).toEqual({
      sink,
      retentionDays: 7,
    });
  });

  test('an unknown sink is refused with the variable named', () => {
    expect(() => readRequestLogConfig({ REQUEST_LOG_SINK: 'dynamo' })).toThrow(
      /^REQUEST_LOG_SINK must be one of/,
    );
  });

  test.each(['0', '-1', '1.5', 'thirty', '3651'])('REQUEST_LOG_RETENTION_DAYS=%s is refused', (days) => {
    expect(() => readRequestLogConfig({ REQUEST_LOG_RETENTION_DAYS: days })).toThrow(
      /^REQUEST_LOG_RETENTION_DAYS must be a whole number/,
    );
  });
});
