/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testMatch: ['<rootDir>/platform/test/**/*.test.ts', '<rootDir>/gateway/test/**/*.test.ts', '<rootDir>/subgraphs/*/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
  testSequencer: '<rootDir>/jest.config.sequencer.js',
};
