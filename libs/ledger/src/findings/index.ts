export * from './findings.queries';
