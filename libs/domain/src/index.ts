export * from './shared/errors';
export * from './shared/decider';
export * from './shared/calendar';
export * from './shared/money';
export * from './reference/regions';
export * from './funding/funding.events';
export * from './funding/funding.commands';
export * from './funding/funding.decider';
