/** Jest runs TypeScript through ts-jest in isolated-modules mode (transpile only; `npm run typecheck` checks types). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.contract-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: {
    '^@app/domain(|/.*)$': '<rootDir>/libs/domain/src$1',
    '^@app/event-store(|/.*)$': '<rootDir>/libs/event-store/src$1',
    '^@app/read-models(|/.*)$': '<rootDir>/libs/read-models/src$1',
    '^@app/ledger(|/.*)$': '<rootDir>/libs/ledger/src$1',
    '^@app/verifier(|/.*)$': '<rootDir>/libs/verifier/src$1',
  },
  testTimeout: 30000,
};
