/** One jest run over every package; TypeScript straight from source (no build needed). */
const moduleNameMapper = {
  '^@clarus-connector/core$': '<rootDir>/core/src/index.ts',
  '^@clarus-connector/core/testing$': '<rootDir>/core/testing/index.ts',
  '^@clarus-connector/sandbox$': '<rootDir>/sandbox/src/index.ts',
};

const project = (name) => ({
  displayName: name,
  rootDir: __dirname,
  testMatch: [`<rootDir>/${name}/test/**/*.test.ts`],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }] },
  moduleNameMapper,
  testEnvironment: 'node',
});

module.exports = {
  projects: ['core', 'order-event-app', 'inventory-job', 'reconciliation-job', 'fulfilment-service', 'sandbox'].map(project),
  testTimeout: 30000,
};
