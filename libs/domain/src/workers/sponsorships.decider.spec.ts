import { specOf } from '../../../../test/support/decider-spec';
import { InvalidInput, NotFound, RuleViolation } from '../shared/errors';
import type { FundingAllocated } from '../funding/funding.events';
import { decideSponsorshipTransfer, sponsorshipsDecider, TransferSponsorships } from './sponsorships.decider';
import type { WorkerEnrolled, WorkerEvent } from './workers.events';

const spec = specOf(sponsorshipsDecider);

const allocated = (allocationId: string, regionCode: string, fiscalYear: number): FundingAllocated => ({
  type: 'FundingAllocated',
  data: {
    allocationId,
    regionCode,
    fundingSource: regionCode.length === 2 ? 'APBD_PROVINSI' : 'APBD_KABUPATEN_KOTA',
    fiscalYear,
    amount: 1_000_000,
    programName: 'p',
    legalBasis: 'l',
    allocatedOn: `${fiscalYear}-01-02`,
  },
  effectiveDate: `${fiscalYear}-01-02`,
});
const enrolled = (workerId: string, regionCode: string, allocationId = 'ntt-2025'): WorkerEnrolled => ({
  type: 'WorkerEnrolled',
  data: {
    workerId,
    regionCode,
    sex: 'F',
    occupation: 'PETANI',
    allocationId,
    enrolledOn: '2025-07-21',
    personal: { nik: 'n', fullName: 'f', birthDate: '1980-01-01' },
  },
  effectiveDate: '2025-07-21',
});
const exited = (workerId: string): WorkerEvent => ({
  type: 'WorkerExited',
  data: { workerId, regionCode: '53.03.01.2005', reason: 'MOVED', exitedOn: '2025-10-15' },
  effectiveDate: '2025-10-15',
});
const transfer = (over: Partial<TransferSponsorships> = {}): TransferSponsorships => ({
  type: 'TransferSponsorships',
  allocationId: 'ttu-2026',
  workerIds: ['w-1'],
  effectivePeriod: '2026-01',
  transferredOn: '2026-11-23',
  ...over,
});
const ttu2026 = allocated('ttu-2026', '53.03', 2026);

describe('sponsorships: a new fiscal year takes over a cohort (rule 13)', () => {
  it('moves a worker of the region from effectivePeriod', () => {
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer())
      .then([
        {
          type: 'SponsorshipTransferred',
          data: {
            workerId: 'w-1',
            regionCode: '53.03.01.2005',
            fromAllocationId: 'ntt-2025',
            toAllocationId: 'ttu-2026',
            effectivePeriod: '2026-01',
            transferredOn: '2026-11-23',
          },
          effectiveDate: '2026-11-23',
        },
      ]);
  });

  it('skips, worker by worker, the exited, the already sponsored and those outside the region (rule 2)', () => {
    const state = [
      ttu2026,
      enrolled('w-1', '53.03.01.2005'),
      enrolled('w-2', '53.03.01.2005'),
      exited('w-2'),
      enrolled('w-3', '53.03.02.2001', 'ttu-2026'),
      enrolled('w-4', '53.01.04.2003'),
    ].reduce(sponsorshipsDecider.evolve, sponsorshipsDecider.initialState());
    const decision = decideSponsorshipTransfer(transfer({ workerIds: ['w-1', 'w-2', 'w-3', 'w-4'] }), state);
    expect(decision.workerCount).toBe(1);
    expect(decision.events.map((e) => e.data.workerId)).toEqual(['w-1']);
    expect(decision.skipped).toEqual([
      { workerId: 'w-2', reason: 'EXITED', detail: 'exited on 2025-10-15' },
      { workerId: 'w-3', reason: 'ALREADY_SPONSORED', detail: 'already sponsored by allocation ttu-2026' },
      { workerId: 'w-4', reason: 'OUTSIDE_REGION', detail: "the worker's region 53.01.04.2003 is outside the allocation's region 53.03" },
    ]);
  });

  it('with fromAllocationId, takes only the active workers that allocation still sponsors', () => {
    const [event, ...more] = spec
      .given([
        ttu2026,
        enrolled('w-1', '53.03.01.2005'),
        enrolled('w-2', '53.03.01.2005', 'other'),
        enrolled('w-3', '53.03.01.2005', 'ttu-2026'),
        enrolled('w-4', '53.03.01.2005'),
        exited('w-4'),
      ])
      .when(transfer({ fromAllocationId: 'ntt-2025', workerIds: ['w-1', 'w-2', 'w-3', 'w-4', 'w-unknown'] }))
      .then([{ type: 'SponsorshipTransferred' }]);
    expect(more).toEqual([]);
    expect(event.data).toMatchObject({ workerId: 'w-1' });
  });

  it("accepts December of the year before (paid in January as the new year's spending) and refuses other years", () => {
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer({ effectivePeriod: '2025-12' }))
      .then([{ type: 'SponsorshipTransferred' }]);
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer({ effectivePeriod: '2025-11' }))
      .thenFails(RuleViolation, /outside allocation ttu-2026's fiscal year 2026/);
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer({ effectivePeriod: '2027-01' }))
      .thenFails(RuleViolation);
  });

  it('refuses an unknown allocation, unknown named workers, a worker named twice and a transfer to itself', () => {
    spec
      .given([enrolled('w-1', '53.03.01.2005')])
      .when(transfer())
      .thenFails(NotFound, 'allocation ttu-2026 does not exist');
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer({ workerIds: ['w-1', 'w-9'] }))
      .thenFails(NotFound, 'unknown workers: w-9');
    spec
      .given([ttu2026, enrolled('w-1', '53.03.01.2005')])
      .when(transfer({ workerIds: ['w-1', 'w-1'] }))
      .thenFails(InvalidInput);
    spec
      .given([ttu2026])
      .when(transfer({ fromAllocationId: 'ttu-2026', workerIds: [] }))
      .thenFails(InvalidInput);
  });
});
