import type { RecordedEvent } from '@app/event-store';
import { fundingProjection, InMemoryReadModels, ProjectionBatch, ReadStore, workersProjection } from '@app/read-models';
import type { PersonalDataService } from '../privacy/personal-data';
import { ListLapsingWorkersHandler, ListLapsingWorkersQuery, ListUnpaidMonthsHandler, ListUnpaidMonthsQuery } from './worklists.queries';

/**
 * The worklist queries over read models built by the real projections, with "now" given: the region's
 * today at a month's end (rule 14) and a new fiscal year's allocation taking over a cohort (rule 13).
 */
type Event = Pick<RecordedEvent, 'type' | 'data'>;

async function readModels(events: Event[]): Promise<ReadStore> {
  const batch = new ProjectionBatch([]);
  events.forEach((e, i) =>
    batch.apply([workersProjection, fundingProjection], {
      id: `e${i}`,
      streamName: 's',
      revision: i,
      position: String(i).padStart(20, '0'),
      recordedAt: '2026-01-01T00:00:00.000Z',
      effectiveDate: '2025-07-07',
      metadata: {} as never,
      ...e,
    } as RecordedEvent),
  );
  const models = new InMemoryReadModels();
  await models.commit('test', batch.changes(), 'p');
  return { active: async () => models } as unknown as ReadStore;
}

const noPersonalData = { openMany: async () => new Map() } as unknown as PersonalDataService;

const allocated = (allocationId: string, regionCode: string, fiscalYear: number): Event => ({
  type: 'FundingAllocated',
  data: {
    allocationId,
    regionCode,
    fundingSource: 'APBD_KABUPATEN_KOTA',
    fiscalYear,
    amount: 100 * 16_800,
    programName: `p ${allocationId}`,
    legalBasis: 'l',
    targetWorkers: null,
    allocatedOn: `${fiscalYear}-01-01`,
  },
});
const enrolled = (workerId: string, regionCode: string, allocationId: string, enrolledOn: string): Event => ({
  type: 'WorkerEnrolled',
  data: { workerId, regionCode, sex: 'F', occupation: 'NELAYAN', allocationId, enrolledOn, personal: { nik: '5303014701850002' } },
});
const paid = (workerId: string, period: string, allocationId: string): Event => ({
  type: 'ContributionPaid',
  data: { workerId, period, amount: 16_800, jkk: 10_000, jkm: 6_800, allocationId, paidOn: `${period}-10`, regionCode: '53.03' },
});

describe('worklist queries', () => {
  describe("lapses next month, by each region's today (rule 14)", () => {
    // 30 November 2026, 23:30 in Jakarta (WIB) is already 1 December in NTT (WITA).
    const now = new Date('2026-11-30T16:30:00Z');
    let reads: ReadStore;
    beforeAll(async () => {
      reads = await readModels([
        allocated('a-31', '31.71', 2026),
        allocated('a-53', '53.03', 2026),
        // Jakarta: August paid, lapses in December (listed while it is November in Jakarta).
        enrolled('w-jkt', '31.71.01.1001', 'a-31', '2026-07-01'),
        paid('w-jkt', '2026-08', 'a-31'),
        // NTT: September paid, lapses in January (listed once it is December in NTT).
        enrolled('w-ntt', '53.03.01.2005', 'a-53', '2026-07-01'),
        paid('w-ntt', '2026-09', 'a-53'),
      ]);
    });

    it('given the country, then each worker is judged by the day of its own region', async () => {
      const answer = await new ListLapsingWorkersHandler(reads, noPersonalData).execute(new ListLapsingWorkersQuery('ID', 1, 50, now));
      expect(answer.today).toBe('2026-11-30');
      expect(answer.items.map((w) => [w.workerId, w.lapsePeriod, w.lastPaidPeriod])).toEqual([
        ['w-jkt', '2026-12', '2026-08'],
        ['w-ntt', '2027-01', '2026-09'],
      ]);
      expect(answer.total).toBe(2);
    });

    it("given NTT, then NTT's today (1 December) decides: the worker lapsing in January", async () => {
      const answer = await new ListLapsingWorkersHandler(reads, noPersonalData).execute(new ListLapsingWorkersQuery('53', 1, 50, now));
      expect(answer).toMatchObject({ today: '2026-12-01', lapsePeriod: '2027-01', total: 1 });
      expect(answer.items.map((w) => w.workerId)).toEqual(['w-ntt']);
    });
  });

  describe('months due and unpaid across a new fiscal year (rule 13)', () => {
    it('given a cohort moved to the 2026 allocation from January, then its unpaid 2026 months are the 2026 allocation’s, none the 2025 one’s', async () => {
      const reads = await readModels([
        allocated('a-2025', '53.03', 2025),
        allocated('a-2026', '53.03', 2026),
        enrolled('w1', '53.03.01.2005', 'a-2025', '2025-10-01'),
        paid('w1', '2025-10', 'a-2025'),
        paid('w1', '2025-11', 'a-2025'),
        paid('w1', '2025-12', 'a-2025'),
        {
          type: 'SponsorshipTransferred',
          data: {
            workerId: 'w1',
            regionCode: '53.03.01.2005',
            fromAllocationId: 'a-2025',
            toAllocationId: 'a-2026',
            effectivePeriod: '2026-01',
            transferredOn: '2025-12-20',
          },
        },
        paid('w1', '2026-01', 'a-2026'),
      ]);
      const now = new Date('2026-03-10T03:00:00Z');
      const handler = new ListUnpaidMonthsHandler(reads);
      const y2026 = await handler.execute(new ListUnpaidMonthsQuery('53.03', 2026, 1, 50, now));
      expect(y2026.items).toHaveLength(1);
      expect(y2026.items[0]).toMatchObject({ allocationId: 'a-2026', throughPeriod: '2026-03' });
      expect(y2026.items[0].months.map((m) => [m.period, m.dueDate, m.overdue, m.workersDue, m.workersUnpaid, m.amountUnpaid])).toEqual([
        ['2026-02', '2026-03-15', false, 1, 1, 16_800],
        ['2026-03', '2026-04-15', false, 1, 1, 16_800],
      ]);
      const y2025 = await handler.execute(new ListUnpaidMonthsQuery('53.03', 2025, 1, 50, now));
      expect(y2025.items.map((a) => [a.allocationId, a.throughPeriod, a.months])).toEqual([['a-2025', '2025-12', []]]);
    });
  });
});
