export * from './event-store.port';
export * from './hashing';
export * from './sqlite-event-store';
export { SqliteThread } from './sqlite-thread';
export * from './esdb-event-store';
export { appendLeadThenRest, mapWithConcurrency } from './concurrency';
export * from './upcasting';
export { appendSizeOf, chunkBySize, DEFAULT_MAX_APPEND_BYTES } from './append-size';
export { runResubscribing, runSubscription, DEFAULT_RETRY, type PushSubscription, type RetryPolicy } from './subscription-loop';
