import type { Projection } from '../projection';
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
