import { ContributionPaid, evolveWorker, newWorker, WorkerEnrolled, WorkerState } from '@app/domain';

/** A worker's state as the decider folds it: enrolled, then paid for the given periods. */
export function enrolledWorker(
  options: { workerId?: string; regionCode?: string; enrolledOn?: string; allocationId?: string; birthDate?: string } = {},
): WorkerState {
  const {
    workerId = 'w1',
    regionCode = '53.03.01.2005',
    enrolledOn = '2025-07-07',
    allocationId = 'a-ttu',
    birthDate = '1985-01-07',
  } = options;
  const enrolled: WorkerEnrolled = {
    type: 'WorkerEnrolled',
    data: {
      workerId,
      regionCode,
      sex: 'M',
      occupation: 'PETANI',
      allocationId,
      enrolledOn,
      personal: { nik: '5303010701850001', fullName: 'x', birthDate },
    },
    effectiveDate: enrolledOn,
  };
  return evolveWorker(newWorker, enrolled);
}

export function contributionPaid(
  workerId: string,
  period: string,
  allocationId = 'a-ttu',
  paidOn = `${period}-10`,
  batchId = `b-${period}`,
): ContributionPaid {
  return {
    type: 'ContributionPaid',
    data: {
      workerId,
      period,
      amount: 16_800,
      jkk: 10_000,
      jkm: 6_800,
      allocationId,
      fundingSource: 'APBD_KABUPATEN_KOTA',
      batchId,
      paidOn,
      dueOn: '',
      regionCode: '53.03.01.2005',
      sex: 'M',
      occupation: 'PETANI',
    },
    effectiveDate: paidOn,
  };
}

/** The worker after paying each period (by the allocation given per period), in order. */
export function paidFor(state: WorkerState, periods: Record<string, string> | string[], paidOn?: (period: string) => string): WorkerState {
  const entries: Array<[string, string]> = Array.isArray(periods) ? periods.map((p) => [p, state.allocationId]) : Object.entries(periods);
  return entries.reduce(
    (s, [period, allocationId]) => evolveWorker(s, contributionPaid(s.workerId, period, allocationId, paidOn?.(period))),
    state,
  );
}
