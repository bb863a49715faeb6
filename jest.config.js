// One runner for the repo. Unit tests sit next to the code (src/**/*.test.ts) and import
// workspace sources directly; e2e tests start the built entry points as real processes.
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const moduleNameMapper = {
  // Dynamic imports carry the `.js` of the compiled file (nodenext); under jest the source is .ts.
  '^(\\.{1,2}/.*)\\.js$': '$1',
  '^@cliver/common$': '<rootDir>/services/common/src/index.ts',
  '^@cliver/testkit$': '<rootDir>/test/kit/src/index.ts',
};
const shared = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper };
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/services/*/src/**/*.test.ts', '<rootDir>/test/kit/src/**/*.test.ts', '<rootDir>/test/lint/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'int',
      testMatch: ['<rootDir>/services/*/src/**/*.int.test.ts', '<rootDir>/test/kit/src/**/*.int.test.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      slowTestThreshold: 30,
    },
  ],
};
