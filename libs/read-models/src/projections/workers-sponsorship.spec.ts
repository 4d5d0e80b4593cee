import type { RecordedEvent } from '@app/event-store';
import { ProjectionBatch } from '../projection';
import { workersProjection, WorkerView } from './workers.projection';

/** The workers view keeps who sponsored a worker from which month (the worklist of months due and unpaid). */
function project(events: Array<Pick<RecordedEvent, 'type' | 'data'>>) {
  const batch = new ProjectionBatch([]);
  events.forEach((e, i) =>
    batch.apply([workersProjection], {
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
  return batch;
}

const enrolled = (allocationId: string, enrolledOn: string) => ({
  type: 'WorkerEnrolled',
  data: {
    workerId: 'w1',
    regionCode: '53.03.01.2005',
    sex: 'F',
    occupation: 'NELAYAN',
    allocationId,
    enrolledOn,
    personal: { nik: '5303014701850002', fullName: 'x', birthDate: '1985-01-07' },
  },
});

describe('workers projection: sponsorship by month', () => {
  it('given an enrolment, a transfer and a re-enrolment, then each sponsor is kept with the month it starts', () => {
    const docs = project([
      enrolled('a-2025', '2025-07-07'),
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
      { type: 'WorkerExited', data: { workerId: 'w1', regionCode: '53.03.01.2005', reason: 'MOVED', exitedOn: '2026-03-15' } },
      enrolled('b-2026', '2026-06-02'),
    ]);
    const w = docs.get('workers', 'w1') as WorkerView;
    expect(w.allocationId).toBe('b-2026');
    expect(w.sponsorship).toEqual([
      { allocationId: 'a-2025', fromPeriod: '2025-07' },
      { allocationId: 'a-2026', fromPeriod: '2026-01' },
      { allocationId: 'b-2026', fromPeriod: '2026-06' },
    ]);
  });
});
