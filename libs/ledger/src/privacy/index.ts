export * from './envelope';
export * from './key-store.port';
export * from './ledger-secrets';
export * from './personal-data';
export * from './access-log';
export * from './privacy.providers';
export { SqliteKeyStore } from './sqlite-key-store';
export { MongoKeyStore } from './mongo-key-store';
