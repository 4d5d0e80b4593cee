export * from './import.service';
export * from './roster';
export * from './row-validation';
