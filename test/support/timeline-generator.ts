import {
  claimsDecider,
  ClaimEvent,
  ClaimType,
  contributionsDecider,
  Decider,
  DomainError,
  DomainEvent,
  EXIT_REASONS,
  fold,
  FundingAllocated,
  FundingEvent,
  fundingDecider,
  jkkTableOn,
  jkmTableOn,
  SettleClaim,
  WorkerEvent,
  workerDecider,
} from '@app/domain';

/**
 * Random membership timelines for one worker, driven through the REAL deciders (issue 7's property
 * test): enrol, pay a month (valid or not: the decider decides), skip months, exit (also recorded late
 * with an earlier date), re-enrol, re-activate, claim (JKK injury, JKK death, JKM death). Only what a
 * decider accepts is kept, routed to its stream as the command seam would: the worker's stream, one
 * allocation stream per fiscal year (cash basis: a payment is made from the budget of its `paidOn`'s
 * year, sometimes from the period's year to try the refusals), one stream per claim. Seeded and
 * deterministic: the same seed gives the same timeline.
 */

/** mulberry32: a small seeded PRNG, good enough to generate test cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORKER_ID = 'w1';
export const WORKER_REGION = '53.03.01.2005';
/** The last day a timeline reaches. */
export const TIMELINE_END = '2026-12-31';

export type StreamEvent = { stream: string; event: DomainEvent };

export interface Step {
  on: string;
  action: string;
  /** 'ok' (events written), 'none' (accepted, nothing written: a batch that paid nobody) or the refusal. */
  outcome: string;
}

export interface GeneratedTimeline {
  seed: number;
  steps: Step[];
  /** Every accepted event, in ledger order, with its stream. */
  log: StreamEvent[];
  /** The worker's stream. */
  workerEvents: WorkerEvent[];
  /** Each allocation's stream (`a-<fiscal year>`). */
  allocations: Map<string, FundingEvent[]>;
}

export interface TimelineOptions {
  maxSteps?: number;
  /** The first day is drawn from [from, to]. */
  from?: string;
  to?: string;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function addMonthsToPeriod(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const min = (a: string, b: string) => (a < b ? a : b);

/** Generates one timeline of at most `maxSteps` steps (default 40) from 2019 to the end of 2026. */
export function generateTimeline(seed: number, options: TimelineOptions = {}): GeneratedTimeline {
  const { maxSteps = 40, from = '2019-01-01', to = '2025-12-31' } = options;
  const random = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  const log: StreamEvent[] = [];
  const workerEvents: WorkerEvent[] = [];
  const allocations = new Map<string, FundingEvent[]>();
  const claims = new Map<string, ClaimEvent[]>();
  const steps: Step[] = [];
  let today = addDays(from, int(0, daysBetween(from, to)));
  let claimCount = 0;
  let batchCount = 0;

  const append = (events: DomainEvent[]) => {
    for (const event of events) {
      const stream = streamOf(event);
      log.push({ stream, event });
      if (stream.startsWith('worker-')) workerEvents.push(event as WorkerEvent);
      else if (stream.startsWith('allocation-')) allocations.get(stream.slice('allocation-'.length))!.push(event as FundingEvent);
      else claims.set(stream.slice('claim-'.length), [...(claims.get(stream.slice('claim-'.length)) ?? []), event as ClaimEvent]);
    }
  };
  const streamOf = (event: DomainEvent): string => {
    if (event.type === 'ClaimSubmitted' || event.type === 'ClaimSettled' || event.type === 'ClaimRejected')
      return `claim-${(event.data as { claimId: string }).claimId}`;
    if (
      ['FundingAllocated', 'FundingRevised', 'FundsDisbursed', 'FundsReleased', 'DoubleFundingRefused', 'FundsRefunded'].includes(
        event.type,
      )
    ) {
      return `allocation-${(event.data as { allocationId: string }).allocationId}`;
    }
    return `worker-${WORKER_ID}`;
  };
  /** The allocation of a fiscal year, allocated on its first use (the province's APBD, ample). */
  const allocationOf = (year: number): string => {
    const id = `a-${year}`;
    if (!allocations.has(id)) {
      allocations.set(id, []);
      append(
        fundingDecider.decide(
          {
            type: 'AllocateFunding',
            allocationId: id,
            regionCode: '53',
            fundingSource: 'APBD_PROVINSI',
            fiscalYear: year,
            amount: 1_000_000_000_000,
            programName: `NTT ${year}`,
            legalBasis: `Pergub NTT ${year}`,
            allocatedOn: `${year}-01-01`,
          },
          { exists: false },
        ),
      );
    }
    return id;
  };
  /** The allocations' FundingAllocated events: a worker or claim decision loads its payers with the worker (see `payers`). */
  const payers = (): FundingAllocated[] => [...allocations.values()].map((events) => events[0] as FundingAllocated);
  /** Asks a decider; a DomainError is a refusal (kept in the steps), anything else is a bug and thrown. */
  const attempt = <C, S, E extends DomainEvent>(action: string, decider: Decider<C, S, E>, given: E[], command: C): E[] | undefined => {
    let events: E[];
    try {
      events = decider.decide(command, fold(decider, given));
    } catch (error) {
      if (error instanceof DomainError) {
        steps.push({ on: today, action, outcome: `${error.name}: ${error.message}` });
        return undefined;
      }
      throw new Error(`seed ${seed}: ${action} on ${today} threw ${String(error)} (not a DomainError)`);
    }
    steps.push({ on: today, action, outcome: events.length ? 'ok' : 'none' });
    append(events);
    return events;
  };
  const status = () => {
    for (let i = workerEvents.length - 1; i >= 0; i--) {
      const e = workerEvents[i];
      if (e.type === 'WorkerEnrolled') return 'ACTIVE';
      if (e.type === 'WorkerExited') return 'EXITED';
    }
    return 'NEW';
  };

  const enrol = () => {
    const enrolledOn = addDays(today, -int(0, 20));
    const allocationId = allocationOf(Number(enrolledOn.slice(0, 4)));
    attempt(`enrol on ${enrolledOn}`, workerDecider, [...payers(), ...workerEvents], {
      type: 'EnrolWorker',
      workerId: WORKER_ID,
      nik: '5303010701850001',
      fullName: 'Yohanes Taek',
      birthDate: '1985-01-07',
      sex: 'M',
      regionCode: WORKER_REGION,
      occupation: 'PETANI',
      allocationId,
      enrolledOn,
      sponsorRegionCode: '53',
      today,
    });
  };
  const pay = () => {
    const current = today.slice(0, 7);
    const r = random();
    // Mostly the current or the previous month; sometimes older arrears or a month ahead.
    const period =
      r < 0.45
        ? current
        : r < 0.75
          ? addMonthsToPeriod(current, -1)
          : r < 0.92
            ? addMonthsToPeriod(current, -int(2, 6))
            : addMonthsToPeriod(current, 1);
    const year = chance(0.85) ? Number(today.slice(0, 4)) : Number(period.slice(0, 4));
    if (year < 2019) return;
    const allocationId = allocationOf(year);
    attempt(`pay ${period} from ${allocationId}`, contributionsDecider, [...allocations.get(allocationId)!, ...workerEvents], {
      type: 'PayContributions',
      batchId: `b${++batchCount}`,
      allocationId,
      period,
      paidOn: today,
      workerIds: [WORKER_ID],
      today,
    });
  };
  const exit = () => {
    const exitedOn = addDays(today, -(chance(0.5) ? 0 : int(1, 150)));
    attempt(`exit on ${exitedOn}`, workerDecider, [...payers(), ...workerEvents], {
      type: 'ExitWorker',
      workerId: WORKER_ID,
      reason: pick(EXIT_REASONS),
      effectiveDate: exitedOn,
      today,
    });
  };
  const reactivate = () => {
    attempt('reactivate', workerDecider, [...payers(), ...workerEvents], {
      type: 'ReactivateWorker',
      workerId: WORKER_ID,
      effectiveDate: today,
      today,
    });
  };
  const claim = () => {
    const claimId = `c${++claimCount}`;
    const incidentDate = addDays(today, -int(0, 60));
    const kind = pick(['JKM', 'JKK_INJURY', 'JKK_INJURY', 'JKK_DEATH'] as const);
    const claimType: ClaimType = kind === 'JKM' ? 'JKM' : 'JKK';
    claims.set(claimId, []);
    const submitted = attempt(`submit ${kind} ${claimId} for ${incidentDate}`, claimsDecider, [...payers(), ...workerEvents], {
      type: 'SubmitClaim',
      claimId,
      workerId: WORKER_ID,
      claimType,
      incidentDate,
      description: 'x',
      submittedOn: today,
      today,
    });
    if (!submitted) return;
    const settledOn = min(addDays(today, int(0, 20)), TIMELINE_END);
    today = settledOn;
    const given = [...payers(), ...workerEvents, ...claims.get(claimId)!];
    if (chance(0.1)) {
      attempt(`reject ${claimId}`, claimsDecider, given, { type: 'RejectClaim', claimId, reason: 'r', rejectedOn: settledOn, today });
      return;
    }
    attempt(`settle ${kind} ${claimId}`, claimsDecider, given, {
      type: 'SettleClaim',
      claimId,
      settledOn,
      benefits: benefitsFor(kind, incidentDate),
      paymentReference: `p-${claimId}`,
      today,
    });
  };

  for (let i = 0; i < maxSteps && today <= TIMELINE_END; i++) {
    const state = status();
    const r = random();
    if (state === 'NEW') enrol();
    else if (state === 'EXITED') {
      if (r < 0.5) enrol();
      else if (r < 0.6) pay();
      else today = addDays(today, int(20, 200));
    } else if (r < 0.55) pay();
    else if (r < 0.7)
      today = addDays(today, int(30, 130)); // skip months
    else if (r < 0.78) exit();
    else if (r < 0.86) reactivate();
    else if (r < 0.93) claim();
    else enrol(); // while active: refused (rule 1)
    today = min(addDays(today, int(0, 35)), TIMELINE_END);
    if (today === TIMELINE_END && chance(0.5)) break;
  }
  return { seed, steps, log, workerEvents, allocations };
}

/** Benefit lines a claim is settled with: the table in force on the incident date (some claims are refused anyway). */
function benefitsFor(kind: 'JKM' | 'JKK_INJURY' | 'JKK_DEATH', incidentDate: string): SettleClaim['benefits'] {
  if (kind === 'JKK_INJURY') return [{ kind: 'JKK_MEDICAL', amount: 2_500_000 }];
  if (kind === 'JKM') {
    const t = jkmTableOn(incidentDate)!;
    return [
      { kind: 'JKM_LUMP_SUM', amount: t.lumpSum },
      { kind: 'JKM_PERIODIC', amount: t.periodic },
      { kind: 'JKM_FUNERAL', amount: t.funeral },
    ];
  }
  const t = jkkTableOn(incidentDate)!;
  return [
    { kind: 'JKK_DEATH', amount: t.deathIncomeMultiple * 1_000_000 },
    { kind: 'JKK_PERIODIC', amount: t.periodic },
    { kind: 'JKK_FUNERAL', amount: t.funeral },
  ];
}
