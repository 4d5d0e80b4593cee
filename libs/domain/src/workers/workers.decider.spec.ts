import { specOf } from '../../../../test/support/decider-spec';
import { Conflict, InvalidInput, NotFound, RuleViolation } from '../shared/errors';
import { EnrolWorker } from './workers.commands';
import { workerDecider } from './workers.decider';
import { ContributionPaid, WorkerEnrolled, WorkerEvent } from './workers.events';
import { workerStatusIn } from './workers.state';

const spec = specOf(workerDecider);

const enrol: EnrolWorker = {
  type: 'EnrolWorker',
  workerId: 'w-1',
  nik: '5303010701850001',
  fullName: 'Yohanes Taek',
  birthDate: '1985-01-07',
  sex: 'M',
  regionCode: '53.03.01.2005',
  occupation: 'PETANI',
  allocationId: 'a-ttu',
  enrolledOn: '2025-07-07',
  sponsorRegionCode: '53.03',
  today: '2026-11-23',
};
const TODAY = '2026-11-23';
const enrolled: WorkerEnrolled = {
  type: 'WorkerEnrolled',
  data: {
    workerId: 'w-1',
    regionCode: '53.03.01.2005',
    sex: 'M',
    occupation: 'PETANI',
    allocationId: 'a-ttu',
    enrolledOn: '2025-07-07',
    personal: { nik: enrol.nik, fullName: enrol.fullName, birthDate: enrol.birthDate },
  },
  effectiveDate: '2025-07-07',
};
const exited: WorkerEvent = {
  type: 'WorkerExited',
  data: { workerId: 'w-1', regionCode: '53.03.01.2005', reason: 'MOVED', exitedOn: '2025-10-15' },
  effectiveDate: '2025-10-15',
};
const paid = (period: string): ContributionPaid => ({
  type: 'ContributionPaid',
  data: {
    workerId: 'w-1',
    period,
    amount: 16_800,
    jkk: 10_000,
    jkm: 6_800,
    allocationId: 'a-ttu',
    fundingSource: 'APBD_KABUPATEN_KOTA',
    batchId: `b-${period}`,
    paidOn: `${period}-10`,
    dueOn: '',
    regionCode: '53.03.01.2005',
    sex: 'M',
    occupation: 'PETANI',
  },
  effectiveDate: `${period}-10`,
});

describe('workers: enrol (rule 1: a NIK is enrolled at most once while active)', () => {
  it('enrols a worker, keeping personal data apart', () => {
    const [event] = spec
      .given([])
      .when(enrol)
      .then([{ type: 'WorkerEnrolled', effectiveDate: '2025-07-07' }]);
    expect(event.data).toMatchObject({ personal: { nik: '5303010701850001', fullName: 'Yohanes Taek', birthDate: '1985-01-07' } });
    expect(Object.keys(event.data)).not.toContain('nik');
  });

  it('refuses the same NIK while it is active', () => {
    spec
      .given([enrolled])
      .when(enrol)
      .thenFails(Conflict, /already enrolled/);
  });

  it('allows re-enrolment after exit', () => {
    spec
      .given([enrolled, exited])
      .when({ ...enrol, enrolledOn: '2026-01-05' })
      .then([{ type: 'WorkerEnrolled' }]);
  });

  it('refuses an invalid NIK or one that contradicts the declared sex and birth date', () => {
    spec
      .given([])
      .when({ ...enrol, nik: '5303010701850000' })
      .thenFails(InvalidInput, /0000/);
    spec
      .given([])
      .when({ ...enrol, sex: 'F' })
      .thenFails(InvalidInput, /sex is F/);
  });
});

describe('workers: exit, correct, reactivate', () => {
  it('exits an active worker once', () => {
    spec
      .given([enrolled])
      .when({ type: 'ExitWorker', workerId: 'w-1', reason: 'DECEASED', effectiveDate: '2025-12-01', today: TODAY })
      .then([{ type: 'WorkerExited' }]);
    spec
      .given([enrolled, exited])
      .when({ type: 'ExitWorker', workerId: 'w-1', reason: 'DECEASED', effectiveDate: '2025-12-01', today: TODAY })
      .thenFails(Conflict);
    spec
      .given([])
      .when({ type: 'ExitWorker', workerId: 'w-1', reason: 'DECEASED', effectiveDate: '2025-12-01', today: TODAY })
      .thenFails(NotFound);
  });

  it('corrects occupation and region as a new event', () => {
    spec
      .given([enrolled])
      .when({ type: 'CorrectWorkerDetails', workerId: 'w-1', occupation: 'NELAYAN', reason: 'data entry', correctedOn: '2025-08-01' })
      .then([{ type: 'WorkerDetailsCorrected', data: { changes: { occupation: 'NELAYAN' } } as never }]);
  });

  it('lapses after 3 unpaid months following a paid month, and can be reactivated', () => {
    const state = [enrolled, paid('2025-07')].reduce(workerDecider.evolve, workerDecider.initialState());
    expect(workerStatusIn(state, '2025-10')).toBe('ACTIVE');
    expect(workerStatusIn(state, '2025-11')).toBe('LAPSED');
    spec
      .given([enrolled, paid('2025-07')])
      .when({ type: 'ReactivateWorker', workerId: 'w-1', effectiveDate: '2025-10-01', today: TODAY })
      .thenFails(Conflict, /not lapsed/);
    const [event] = spec
      .given([enrolled, paid('2025-07')])
      .when({ type: 'ReactivateWorker', workerId: 'w-1', effectiveDate: '2025-11-20', today: TODAY })
      .then([{ type: 'WorkerReactivated' }]);
    expect(workerStatusIn(workerDecider.evolve(state, event), '2025-11')).toBe('ACTIVE');
  });

  it("rule 2: enrols only inside the sponsoring allocation's region, and moves only inside it", () => {
    spec
      .given([])
      .when({ ...enrol, sponsorRegionCode: '53.01' })
      .thenFails(RuleViolation, /cannot fund a worker in 53.03.01.2005/);
    spec
      .given([])
      .when({ ...enrol, sponsorRegionCode: '53' })
      .then([{ type: 'WorkerEnrolled' }]);
    spec
      .given([enrolled])
      .when({
        type: 'CorrectWorkerDetails',
        workerId: 'w-1',
        regionCode: '53.01.01.2001',
        reason: 'moved',
        correctedOn: '2025-08-01',
        sponsorRegionCode: '53.03',
      })
      .thenFails(RuleViolation, /cannot fund/);
  });

  it('refuses an exit before the enrolment', () => {
    spec
      .given([enrolled])
      .when({ type: 'ExitWorker', workerId: 'w-1', reason: 'OTHER', effectiveDate: '2025-07-01', today: TODAY })
      .thenFails(RuleViolation);
  });
});
