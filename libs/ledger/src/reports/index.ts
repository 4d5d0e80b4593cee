export * from './oversight-report';
export * from './replay';
export * from './snapshots';
export * from './reports.service';
export * from './recompute';
