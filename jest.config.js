/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Most suites wait on emulator timers, not the CPU: more workers than cores shortens the run.
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/test/summaryReporter.js'],
};
