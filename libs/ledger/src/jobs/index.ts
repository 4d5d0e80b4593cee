export * from './job.service';
export * from './rebuild.service';
export * from './projection-check';
