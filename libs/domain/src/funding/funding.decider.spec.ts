import { specOf } from '../../../../test/support/decider-spec';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { AllocateFunding } from './funding.commands';
import { fundingDecider } from './funding.decider';
import { FundingAllocated, FundingEvent } from './funding.events';

const spec = specOf(fundingDecider);

// NTT 2026: 50,000 workers × Rp16,800 × 12 months = Rp10,080,000,000 from the provincial APBD.
const allocate: AllocateFunding = {
  type: 'AllocateFunding',
  allocationId: 'a-ntt-2026',
  regionCode: '53',
  fundingSource: 'APBD_PROVINSI',
  fiscalYear: 2026,
  amount: 10_080_000_000,
  programName: 'Perlindungan pekerja rentan NTT 2026',
  legalBasis: 'Pergub NTT 2026',
  targetWorkers: 50_000,
  allocatedOn: '2026-01-02',
};
const { type: _command, ...allocation } = allocate;
const allocated: FundingAllocated = { type: 'FundingAllocated', data: allocation, effectiveDate: '2026-01-02' };

const ref = { allocationId: 'a-ntt-2026', regionCode: '53', fundingSource: 'APBD_PROVINSI' as const, fiscalYear: 2026 };

const disbursed = (batchId: string, amount: number): FundingEvent => ({
  type: 'FundsDisbursed',
  data: { ...ref, batchId, period: '2026-01', workerCount: amount / 16_800, amount, paidOn: '2026-01-15' },
  effectiveDate: '2026-01-15',
});

describe('funding: allocate', () => {
  it('records a new allocation with its business date', () => {
    spec
      .given([])
      .when(allocate)
      .then([{ type: 'FundingAllocated', data: allocated.data, effectiveDate: '2026-01-02' }]);
  });

  it('allocates village funds (Dana Desa) only to a desa, and APBD only at its own level', () => {
    spec
      .given([])
      .when({ ...allocate, fundingSource: 'DANA_DESA', regionCode: '53.03.01.2005' })
      .then([{ type: 'FundingAllocated' }]);
    spec
      .given([])
      .when({ ...allocate, fundingSource: 'DANA_DESA', regionCode: '52.71.01.1004' })
      .thenFails(RuleViolation, /desa/);
    spec
      .given([])
      .when({ ...allocate, fundingSource: 'APBD_PROVINSI', regionCode: '53.03' })
      .thenFails(RuleViolation, /province/);
    spec
      .given([])
      .when({ ...allocate, fundingSource: 'APBD_KABUPATEN_KOTA', regionCode: '53' })
      .thenFails(RuleViolation, /regency/);
    spec
      .given([])
      .when({ ...allocate, fundingSource: 'APBN', regionCode: 'ID' })
      .then([{ type: 'FundingAllocated' }]);
  });

  it('refuses to allocate the same allocation twice', () => {
    spec.given([allocated]).when(allocate).thenFails(Conflict);
  });
});

describe('funding: revise', () => {
  it('revises the total and keeps the previous amount for the auditors', () => {
    spec
      .given([allocated])
      .when({
        type: 'ReviseFunding',
        allocationId: 'a-ntt-2026',
        amount: 10_800_000_000,
        reason: 'APBD Perubahan',
        legalBasis: 'Perda 2/2026',
        revisedOn: '2026-09-01',
      })
      .then([{ type: 'FundingRevised', data: { previousAmount: 10_080_000_000, amount: 10_800_000_000 } as never }]);
  });

  it('never revises below what is already disbursed', () => {
    spec
      .given([allocated, disbursed('b1', 840_000_000)])
      .when({
        type: 'ReviseFunding',
        allocationId: 'a-ntt-2026',
        amount: 839_999_999,
        reason: 'cut',
        legalBasis: 'x',
        revisedOn: '2026-09-01',
      })
      .thenFails(RuleViolation, /below what is already disbursed/);
  });

  it('cannot revise an unknown allocation', () => {
    spec
      .given([])
      .when({ type: 'ReviseFunding', allocationId: 'nope', amount: 1, reason: 'r', legalBasis: 'l', revisedOn: '2026-01-01' })
      .thenFails(NotFound);
  });
});

describe('funding: disburse (rule 3: never more than the current amount)', () => {
  const disburse = (amount: number, period = '2026-01', batchId = 'b2') => ({
    type: 'DisburseFunds' as const,
    allocationId: 'a-ntt-2026',
    batchId,
    period,
    workerCount: 1,
    amount,
    paidOn: '2026-01-15',
  });

  it('disburses up to exactly what remains', () => {
    spec
      .given([allocated, disbursed('b1', 10_000_000_000)])
      .when(disburse(80_000_000))
      .then([{ type: 'FundsDisbursed' }]);
  });

  it('refuses a batch larger than what remains and names the shortfall', () => {
    spec
      .given([allocated, disbursed('b1', 10_000_000_000)])
      .when(disburse(80_000_001))
      .thenFails(RuleViolation, /shortfall Rp1\b/);
  });

  it('refuses a period outside the fiscal year', () => {
    spec
      .given([allocated])
      .when(disburse(16_800, '2025-11'))
      .thenFails(RuleViolation, /outside the allocation's fiscal year 2026/);
  });

  it("rule 13: December of the year before is paid from the new year's budget, as its spending", () => {
    spec
      .given([allocated])
      .when(disburse(16_800, '2025-12'))
      .then([{ type: 'FundsDisbursed' }]);
  });

  it('counts released funds as available again', () => {
    spec
      .given([
        allocated,
        disbursed('b1', 10_080_000_000),
        {
          type: 'FundsReleased',
          data: { ...ref, batchId: 'b1', workerCount: 1, amount: 16_800, reason: 'r', releasedOn: '2026-01-16' },
          effectiveDate: '2026-01-16',
        },
      ])
      .when(disburse(16_800))
      .then([{ type: 'FundsDisbursed' }]);
  });
});
