export * from './read-store.port';
export * from './projection';
export * from './runner';
export * from './in-memory-read-models';
export * from './sqlite-read-store';
export * from './mongo-read-store';
export * from './projections';
export * from './rebuild';
