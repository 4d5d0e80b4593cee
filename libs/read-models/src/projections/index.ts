import type { EventStore } from '@app/event-store';
import type { Projection } from '../projection';
import { projectedUpTo, ProjectionRunner, RunnerOptions } from '../runner';
import type { ReadModels } from '../read-store.port';
import type { ReadModelSchema } from '../read-store.port';
import { claimsProjection } from './claims.projection';
import { coverageProjection } from './coverage.projection';
import { findingsProjection } from './findings.projection';
import { fundingProjection } from './funding.projection';
import { workersProjection } from './workers.projection';

export * from './funding.projection';
export * from './workers.projection';
export * from './coverage.projection';
export * from './claims.projection';
export * from './findings.projection';

/** Every projection of the ledger; each keeps its own checkpoint and version, and owns its collections. */
export const LEDGER_PROJECTIONS: readonly Projection[] = [
  fundingProjection,
  workersProjection,
  coverageProjection,
  claimsProjection,
  findingsProjection,
];

/**
 * @deprecated The checkpoint the ledger projections shared before each kept its own. Read models
 * written then are adopted by `ledgerRunner` (see `LEDGER_ADOPTION`), which deletes it. Ask the runner
 * (`runner.checkpoint()`) or `projectedUpTo(models, LEDGER_PROJECTIONS)` how far the read models are.
 */
export const LEDGER_CHECKPOINT = 'ledger';

/** The projections that wrote under the shared checkpoint, at the version they had then. */
export const LEDGER_ADOPTION: NonNullable<RunnerOptions['adopt']> = {
  checkpoint: LEDGER_CHECKPOINT,
  versions: { funding: 1, workers: 1, coverage: 1, claims: 1 },
};

/** The runner of every ledger projection, into the read models `target` answers (usually the active generation). */
export function ledgerRunner(
  events: EventStore,
  target: () => Promise<ReadModels>,
  options: Partial<Omit<RunnerOptions, 'name'>> = {},
): ProjectionRunner {
  return new ProjectionRunner(events, target, LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 2000, adopt: LEDGER_ADOPTION, ...options });
}

/** How far every ledger projection has projected into `models` (the least of their checkpoints). */
export function ledgerCheckpoint(models: ReadModels): Promise<string | undefined> {
  return projectedUpTo(models, LEDGER_PROJECTIONS);
}

/** The read models' collections and the indexes their queries use. */
export const READ_MODEL_SCHEMA: ReadModelSchema = {
  allocations: { indexes: [['fiscalYear', 'regionCode']] },
  fundingTotals: { indexes: [] },
  workers: {
    indexes: [
      // GET /workers walks a region's range in the list's order (regionCode, enrolledOn, id) on one of these
      // (after the status, or the allocation, when filtered by it); the rest of the filter (status,
      // lapsesFrom) is in the index too, so the page's filter and the count are answered from the index.
      ['regionCode', 'enrolledOn', 'id', 'status', 'lapsesFrom'],
      ['status', 'regionCode', 'enrolledOn', 'id', 'lapsesFrom'],
      // Also the batches' lookup (an allocation's active workers).
      ['allocationId', 'regionCode', 'enrolledOn', 'id', 'status', 'lapsesFrom'],
      // The lapsing worklist (ACTIVE, lapsing in a given month).
      ['status', 'lapsesFrom'],
    ],
  },
  coverage: { indexes: [] },
  enrolment: { indexes: [] },
  workforce: { indexes: [] },
  claims: {
    indexes: [
      ['regionCode', 'incidentDate'],
      ['type', 'status', 'incidentDate'],
    ],
  },
  findings: { indexes: [['regionCode', 'fiscalYear', 'kind'], ['fiscalYear', 'kind', 'regionCode'], ['kind', 'regionCode'], ['position']] },
  findingAllocations: { indexes: [] },
};
