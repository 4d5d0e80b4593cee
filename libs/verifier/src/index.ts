export * from './canonical-json';
export * from './merkle';
export * from './leaf';
export * from './note';
export * from './checkpoint';
export * from './verify-ledger';
export * from './ledger-ranges';
