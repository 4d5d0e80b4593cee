import type { Projection } from '../projection';
import type { ReadModelSchema } from '../read-store.port';
import { fundingProjection } from './funding.projection';

export * from './funding.projection';

/** Every projection of the ledger, applied together under one checkpoint. */
export const LEDGER_PROJECTIONS: readonly Projection[] = [fundingProjection];
export const LEDGER_CHECKPOINT = 'ledger';

/** The read models' collections and the indexes their queries use. */
export const READ_MODEL_SCHEMA: ReadModelSchema = {
  allocations: { indexes: [['regionCode', 'fiscalYear'], ['fiscalYear', 'regionCode']] },
  fundingTotals: { indexes: [['fiscalYear', 'regionCode']] },
};
