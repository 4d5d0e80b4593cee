import type { RecordedEvent } from '@app/event-store';
import { defineProjection, ProjectionBatch } from '../projection';
import { CoverageView, enrolledIn, EnrolmentView } from './coverage.projection';
import { LEDGER_PROJECTIONS, READ_MODEL_SCHEMA } from './index';
import { WorkerView } from './workers.projection';
import { ClaimView } from './claims.projection';

/** Projections are pure: given documents and events, they answer the changed documents. */
function project(events: Array<Pick<RecordedEvent, 'type' | 'data'> & { effectiveDate?: string }>) {
  const batch = new ProjectionBatch([]);
  events.forEach((e, i) =>
    batch.apply(LEDGER_PROJECTIONS, {
      id: `e${i}`,
      streamName: 's',
      revision: i,
      position: String(i).padStart(20, '0'),
      recordedAt: '2026-01-01T00:00:00.000Z',
      effectiveDate: e.effectiveDate ?? '2025-07-07',
      metadata: {} as never,
      ...e,
    } as RecordedEvent),
  );
  // The documents as the batch writes them: settled (the workers' lapse month is worked out then).
  batch.changes();
  return batch;
}

const enrolled = (workerId: string, regionCode: string, enrolledOn = '2025-07-07') => ({
  type: 'WorkerEnrolled',
  data: {
    workerId,
    regionCode,
    sex: 'F',
    occupation: 'NELAYAN',
    allocationId: 'a',
    enrolledOn,
    personal: { nik: '5303014701850002', fullName: 'x', birthDate: '1985-01-07' },
  },
});
const paid = (workerId: string, period: string, regionCode = '53.03.01.2005') => ({
  type: 'ContributionPaid',
  data: {
    workerId,
    period,
    amount: 16_800,
    jkk: 10_000,
    jkm: 6_800,
    allocationId: 'a',
    fundingSource: 'APBD_KABUPATEN_KOTA',
    batchId: 'b',
    paidOn: `${period}-10`,
    regionCode,
    sex: 'F',
    occupation: 'NELAYAN',
  },
});

describe('projections', () => {
  it('counts a contribution at the village and every region above it', () => {
    const docs = project([enrolled('w1', '53.03.01.2005'), paid('w1', '2025-08')]);
    for (const region of ['53.03.01.2005', '53.03.01', '53.03', '53', 'ID']) {
      expect(docs.get('coverage', `${region}:2025-08`)).toMatchObject({
        coveredWorkers: 1,
        amount: 16_800,
        bySex: { F: 1 },
        byOccupation: { NELAYAN: 1 },
      } satisfies Partial<CoverageView>);
    }
    expect(docs.get('coverage', '53.01:2025-08')).toBeUndefined();
  });

  it('counts members by month: an exit month still counts, the month after does not', () => {
    const docs = project([
      enrolled('w1', '53.03.01.2005'),
      { type: 'WorkerExited', data: { workerId: 'w1', regionCode: '53.03.01.2005', reason: 'MOVED', exitedOn: '2025-09-15' } },
    ]);
    const doc = docs.get('enrolment', '53.03') as EnrolmentView;
    expect(enrolledIn(doc, '2025-06')).toBe(0);
    expect(enrolledIn(doc, '2025-07')).toBe(1);
    expect(enrolledIn(doc, '2025-09')).toBe(1);
    expect(enrolledIn(doc, '2025-10')).toBe(0);
  });

  it('moves a member between regions on a correction of the region', () => {
    const docs = project([
      enrolled('w1', '53.03.01.2005'),
      {
        type: 'WorkerDetailsCorrected',
        data: {
          workerId: 'w1',
          regionCode: '53.03.02.2001',
          previousRegionCode: '53.03.01.2005',
          changes: { regionCode: '53.03.02.2001' },
          reason: 'r',
          correctedOn: '2025-10-02',
          personal: {},
        },
      },
    ]);
    expect(enrolledIn(docs.get('enrolment', '53.03.01') as EnrolmentView, '2025-09')).toBe(1);
    expect(enrolledIn(docs.get('enrolment', '53.03.01') as EnrolmentView, '2025-10')).toBe(0);
    expect(enrolledIn(docs.get('enrolment', '53.03.02') as EnrolmentView, '2025-10')).toBe(1);
    expect(enrolledIn(docs.get('enrolment', '53.03') as EnrolmentView, '2025-10')).toBe(1);
    expect(docs.get('workers', 'w1')).toMatchObject({ regionCode: '53.03.02.2001' });
  });

  it('keeps a worker with a masked NIK, paid periods, sponsors and the month it lapses', () => {
    const docs = project([enrolled('w1', '53.03.01.2005'), paid('w1', '2025-07'), paid('w1', '2025-08')]);
    const worker = docs.get('workers', 'w1') as WorkerView;
    expect(worker).toMatchObject({
      nikMasked: '530301******0002',
      paidPeriods: ['2025-07', '2025-08'],
      lastPaidPeriod: '2025-08',
      lapsesFrom: '2025-12',
      sponsors: ['a'],
    });
    expect(JSON.stringify(worker)).not.toContain('5303014701850002');
  });

  it('follows a claim and leaves its description (personal data) out of the read model', () => {
    const ref = { claimId: 'c1', workerId: 'w1', type: 'JKM', regionCode: '53.03.01.2005', incidentDate: '2025-08-20' };
    const docs = project([
      enrolled('w1', '53.03.01.2005'),
      { type: 'ClaimSubmitted', data: { ...ref, submittedOn: '2025-08-25', personal: { description: 'meninggal dunia' } } },
      { type: 'ClaimSettled', data: { ...ref, settledOn: '2025-09-01', amount: 42_000_000, benefits: [], paymentReference: 'p' } },
    ]);
    expect(docs.get('claims', 'c1')).toMatchObject({ status: 'SETTLED', amount: 42_000_000 } satisfies Partial<ClaimView>);
    expect(JSON.stringify(docs.get('claims', 'c1'))).not.toContain('meninggal');
    expect((docs.get('workers', 'w1') as WorkerView).claims).toEqual([
      { claimId: 'c1', type: 'JKM', status: 'SETTLED', incidentDate: '2025-08-20', amount: 42_000_000 },
    ]);
  });

  it('hands a projection only the events it handles, typed as those events', () => {
    const seen: string[] = [];
    const disbursements = defineProjection({
      name: 'disbursements',
      version: 1,
      handles: ['FundsDisbursed', 'FundsReleased'],
      collections: ['disbursements'],
      keys: (e) => [{ collection: 'disbursements', id: e.data.batchId }],
      apply(e) {
        seen.push(e.type);
        // Typed by `handles`: a field of another event does not compile.
        // @ts-expect-error FundsDisbursed has no workerId
        void e.data.workerId;
        const sign = e.type === 'FundsDisbursed' ? 1 : -1;
        return [{ collection: 'disbursements', id: e.data.batchId, doc: { id: e.data.batchId, amount: sign * e.data.amount } }];
      },
    });
    defineProjection({
      name: 'unknown',
      version: 1,
      // @ts-expect-error not an event of the ledger
      handles: ['NoSuchEvent'],
      collections: ['x'],
      keys: () => [],
      apply: () => [],
    });
    const batch = new ProjectionBatch([]);
    const at = (type: string, data: Record<string, unknown>, i: number) =>
      ({
        id: `e${i}`,
        streamName: 's',
        revision: i,
        position: String(i).padStart(20, '0'),
        recordedAt: '2026-01-01T00:00:00.000Z',
        effectiveDate: '2026-01-15',
        metadata: {} as never,
        type,
        data,
      }) as RecordedEvent;
    const ref = {
      allocationId: 'a',
      regionCode: '53.03',
      fundingSource: 'APBD_KABUPATEN_KOTA',
      fiscalYear: 2026,
      batchId: 'b',
      period: '2026-01',
      paidOn: '2026-01-15',
    };
    [
      at('FundingAllocated', { ...ref, amount: 1 }, 0),
      at('FundsDisbursed', { ...ref, workerCount: 2, amount: 33_600 }, 1),
      paid('w1', '2026-01'),
      at('FundsReleased', { ...ref, workerCount: 1, amount: 16_800 }, 3),
    ].forEach((e, i) => batch.apply([disbursements], 'id' in e ? e : at(e.type, e.data, i)));
    expect(seen).toEqual(['FundsDisbursed', 'FundsReleased']);
    expect(batch.get('disbursements', 'b')).toEqual({ id: 'b', amount: -16_800 });
  });

  it('gives every ledger projection a name, a version and collections of its own', () => {
    expect(LEDGER_PROJECTIONS.map((p) => [p.name, p.version, p.collections])).toEqual([
      ['funding', 2, ['allocations', 'fundingTotals']],
      ['workers', 4, ['workers']],
      ['coverage', 2, ['coverage', 'enrolment', 'workforce']],
      ['claims', 1, ['claims']],
      ['findings', 1, ['findings', 'findingAllocations']],
    ]);
    expect(LEDGER_PROJECTIONS.flatMap((p) => p.collections).sort()).toEqual(Object.keys(READ_MODEL_SCHEMA).sort());
  });
});
