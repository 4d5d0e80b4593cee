import type { EventStore } from '@app/event-store';
import type { Projection } from '../projection';
import { ProjectionRunner, RunnerOptions } from '../runner';
import type { ReadModels } from '../read-store.port';
import type { ReadModelSchema } from '../read-store.port';
import { claimsProjection } from './claims.projection';
import { coverageProjection } from './coverage.projection';
import { fundingProjection } from './funding.projection';
import { workersProjection } from './workers.projection';

export * from './funding.projection';
export * from './workers.projection';
export * from './coverage.projection';
export * from './claims.projection';

/** Every projection of the ledger, applied together under one checkpoint. */
export const LEDGER_PROJECTIONS: readonly Projection[] = [fundingProjection, workersProjection, coverageProjection, claimsProjection];
export const LEDGER_CHECKPOINT = 'ledger';

/** The runner of every ledger projection, into the read models `target` answers (usually the active generation). */
export function ledgerRunner(events: EventStore, target: () => Promise<ReadModels>, options: Partial<Omit<RunnerOptions, 'name'>> = {}): ProjectionRunner {
  return new ProjectionRunner(events, target, LEDGER_PROJECTIONS, { name: LEDGER_CHECKPOINT, batchSize: 2000, ...options });
}

/** The read models' collections and the indexes their queries use. */
export const READ_MODEL_SCHEMA: ReadModelSchema = {
  allocations: { indexes: [['fiscalYear', 'regionCode']] },
  fundingTotals: { indexes: [] },
  workers: { indexes: [['regionCode', 'status'], ['allocationId', 'status'], ['status', 'lapsesFrom']] },
  coverage: { indexes: [] },
  enrolment: { indexes: [] },
  workforce: { indexes: [] },
  claims: { indexes: [['regionCode', 'incidentDate'], ['type', 'status', 'incidentDate']] },
};
