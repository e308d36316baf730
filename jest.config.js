/**
 * Two projects: `unit` (fast, in-process: `npx jest --selectProjects unit`) and `e2e` (suites that start
 * the emulator, a CLI child process, charon, a browser or the interop lab). `npm test` runs both.
 * A suite is e2e when it is named `*.e2e.test.ts`, or sits in test/emulator/ (each suite there starts the
 * emulator it tests), or is the interop lab (test/interop/lab.test.ts).
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
const E2E_PATHS = ['\\.e2e\\.test\\.ts$', '<rootDir>/test/emulator/', '<rootDir>/test/interop/lab\\.test\\.ts$'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...E2E_PATHS] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts', '<rootDir>/test/emulator/**/*.test.ts', '<rootDir>/test/interop/lab.test.ts'] },
  ],
  testTimeout: 60000,
  // Most suites wait on emulator timers, not the CPU: more workers than cores shortens the run.
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/test/summaryReporter.js'],
};
