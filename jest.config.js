// The AWS SDK prints a NodeVersionSupportWarning on node 20 when it loads; quiet for the global setup and workers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * Every suite runs in `npm test`. The fault enumeration (faults-writes) and the HTTP fuzzer (http-fuzz)
 * start a DynamoDB Local of their own, so their tens of thousands of requests do not slow the suites
 * beside them; their long variants need SCIM_LONG_TESTS=1 (docs/operations.md, "Long test variants").
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 180000,
  maxWorkers: 2,
};
