export * from './event-store.port';
export * from './hashing';
export * from './sqlite-event-store';
export * from './esdb-event-store';
export { appendLeadThenRest, mapWithConcurrency } from './concurrency';
export * from './upcasting';
