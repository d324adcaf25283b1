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

/**
 * A Merchant Center UI: component tests in jsdom with the application-shell test utilities. The shared UI
 * module (mc-shared/src) resolves its packages from the app's own node_modules, as the app's build does.
 */
const uiProject = (name) => ({
  displayName: name,
  rootDir: __dirname,
  testMatch: [`<rootDir>/${name}/test/**/*.test.tsx`],
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        tsconfig: { jsx: 'react-jsx', module: 'commonjs', esModuleInterop: true, isolatedModules: true },
        diagnostics: false,
      },
    ],
  },
  moduleDirectories: ['node_modules', `<rootDir>/${name}/node_modules`],
  moduleNameMapper: {
    '\\.css$': '<rootDir>/mc-shared/test/style-stub.js',
    '^uuid$': '<rootDir>/mc-shared/test/uuid-stub.js',
    // As @commercetools-frontend/jest-preset-mc-app does: their CommonJS builds.
    '^@react-hook/resize-observer$': '@react-hook/resize-observer/dist/main/index.js',
    '^@react-hook/passive-layout-effect$': '@react-hook/passive-layout-effect/dist/main/index.js',
    '^@react-hook/latest$': '@react-hook/latest/dist/main/index.js',
    '\\.(svg|png|jpe?g|gif|webp|woff2?|ttf|eot)$': '<rootDir>/mc-shared/test/file-stub.js',
  },
  testEnvironment: 'jsdom',
  testEnvironmentOptions: { url: 'https://mc.europe-west1.gcp.commercetools.com/' },
  setupFiles: ['<rootDir>/mc-shared/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/mc-shared/test/setup-after-env.ts'],
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
    uiProject('order-panel'),
    uiProject('operations-app'),
  ],
  testTimeout: 30000,
};
