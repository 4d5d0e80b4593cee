export * from './snapshot-store.port';
export * from './sqlite-snapshot-store';
export * from './mongo-snapshot-store';
