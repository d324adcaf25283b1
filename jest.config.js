/** One jest run over every package; TypeScript straight from source (no build needed). */
const moduleNameMapper = {
  '^@clarus-connector/core$': '<rootDir>/core/src/index.ts',
  '^@clarus-connector/core/testing$': '<rootDir>/core/testing/index.ts',
  '^@clarus-connector/sandbox$': '<rootDir>/sandbox/src/index.ts',
};

const project = (name, testDir = `${name}/test`) => ({
  displayName: name,
  rootDir: __dirname,
  testMatch: [`<rootDir>/${testDir}/**/*.test.ts`],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper,
  testEnvironment: 'node',
});

module.exports = {
  projects: [
    ...[
      'core',
      'order-event-app',
      'inventory-job',
      'reconciliation-job',
      'fulfilment-service',
      'sandbox',
    ].map((name) => project(name)),
    // Repository-wide checks (connect.yaml against the Connect specification and the config schema).
    project('repo', 'test'),
  ],
  testTimeout: 30000,
};
