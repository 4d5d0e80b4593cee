import { addMonths, selfAndAncestors } from '@app/domain';
import type { Doc, DocChange } from '../read-store.port';
import { defineProjection, DocKey, DocReader } from '../projection';

/** Workers paid for one period in one region (its descendants included). Id: `53.03:2025-12`. */
export interface CoverageView extends Doc {
  regionCode: string;
  period: string;
  coveredWorkers: number;
  amount: number;
  bySex: Record<string, number>;
  byOccupation: Record<string, number>;
  byFundingSource: Record<string, number>;
}

/**
 * Enrolments and exits of a region by month (descendants included). Id: the region code. Enrolled in
 * period P = enrolments up to P minus exits before P (an exit month is still a month of membership).
 */
export interface EnrolmentView extends Doc {
  regionCode: string;
  enrolledByMonth: Record<string, number>;
  exitedByMonth: Record<string, number>;
}

/** The informal workforce estimate of a region for a year. Id: `53:2025`. */
export interface WorkforceView extends Doc {
  regionCode: string;
  year: number;
  informalWorkers: number;
  source: string;
  estimatedOn: string;
}

export const coverageId = (regionCode: string, period: string) => `${regionCode}:${period}`;
export const workforceId = (regionCode: string, year: number) => `${regionCode}:${year}`;

export const coverageProjection = defineProjection({
  name: 'coverage',
  version: 2,
  handles: ['ContributionPaid', 'ContributionRefunded', 'WorkerEnrolled', 'WorkerExited', 'WorkerDetailsCorrected', 'WorkforceEstimated'],
  collections: ['coverage', 'enrolment', 'workforce'],

  keys(e): DocKey[] {
    switch (e.type) {
      case 'ContributionPaid':
      case 'ContributionRefunded':
        return selfAndAncestors(e.data.regionCode).map((r) => ({ collection: 'coverage', id: coverageId(r, e.data.period) }));
      case 'WorkerEnrolled':
      case 'WorkerExited':
        return selfAndAncestors(e.data.regionCode).map((r) => ({ collection: 'enrolment', id: r }));
      case 'WorkerDetailsCorrected':
        return [...new Set([...selfAndAncestors(e.data.regionCode), ...selfAndAncestors(e.data.previousRegionCode)])].map((r) => ({
          collection: 'enrolment',
          id: r,
        }));
      case 'WorkforceEstimated':
        return [{ collection: 'workforce', id: workforceId(e.data.regionCode, e.data.year) }];
    }
  },

  apply(e, docs): DocChange[] {
    switch (e.type) {
      case 'ContributionPaid':
      case 'ContributionRefunded': {
        // A refunded month (paid after an exit) is no longer covered.
        const sign = e.type === 'ContributionPaid' ? 1 : -1;
        const { period, amount, sex, occupation, fundingSource } = e.data;
        const regions = selfAndAncestors(e.data.regionCode);
        const changes: DocChange[] = new Array<DocChange>(regions.length);
        for (let i = 0; i < regions.length; i++) {
          const regionCode = regions[i];
          const id = coverageId(regionCode, period);
          const c = (docs.get('coverage', id) as CoverageView | undefined) ?? emptyCoverage(id, regionCode, period);
          // Written out field by field, in the order every coverage document has (`emptyCoverage`'s):
          // the same document as `{ ...c, coveredWorkers, … }`, built far cheaper than by a spread.
          const doc: CoverageView = {
            id: c.id,
            regionCode: c.regionCode,
            period: c.period,
            coveredWorkers: c.coveredWorkers + sign,
            amount: c.amount + sign * amount,
            bySex: increment(c.bySex, sex, sign),
            byOccupation: increment(c.byOccupation, occupation, sign),
            byFundingSource: increment(c.byFundingSource, fundingSource, sign),
          };
          changes[i] = { collection: 'coverage', id, doc };
        }
        return changes;
      }
      case 'WorkerEnrolled':
        return countEnrolment(docs, e.data.regionCode, 'enrolledByMonth', e.data.enrolledOn.slice(0, 7));
      case 'WorkerExited':
        return countEnrolment(docs, e.data.regionCode, 'exitedByMonth', e.data.exitedOn.slice(0, 7));
      case 'WorkerDetailsCorrected': {
        if (e.data.previousRegionCode === e.data.regionCode) return [];
        // A move: the worker leaves the old region at the end of the previous month and joins the new one.
        const month = e.data.correctedOn.slice(0, 7);
        const moves = new Map<string, EnrolmentView>();
        for (const change of countEnrolment(docs, e.data.previousRegionCode, 'exitedByMonth', addMonths(month, -1)))
          moves.set(change.id, change.doc as EnrolmentView);
        const reader: DocReader = { get: (collection, id) => (collection === 'enrolment' && moves.get(id)) || docs.get(collection, id) };
        for (const change of countEnrolment(reader, e.data.regionCode, 'enrolledByMonth', month))
          moves.set(change.id, change.doc as EnrolmentView);
        return [...moves].map(([id, doc]) => ({ collection: 'enrolment', id, doc }));
      }
      case 'WorkforceEstimated': {
        const id = workforceId(e.data.regionCode, e.data.year);
        return [{ collection: 'workforce', id, doc: { id, ...e.data, estimatedOn: e.effectiveDate } }];
      }
    }
  },
});

function countEnrolment(docs: DocReader, regionCode: string, field: 'enrolledByMonth' | 'exitedByMonth', month: string): DocChange[] {
  return selfAndAncestors(regionCode).map((r) => {
    const doc = (docs.get('enrolment', r) as EnrolmentView | undefined) ?? { id: r, regionCode: r, enrolledByMonth: {}, exitedByMonth: {} };
    return { collection: 'enrolment', id: r, doc: { ...doc, [field]: increment(doc[field], month) } };
  });
}

function increment(counts: Record<string, number>, key: string, by = 1): Record<string, number> {
  // `{ ...counts, [key]: n }`, built in two steps: a computed key in the literal costs twice as much
  // (a payment increments 15 counts). '__proto__' would set the prototype by assignment: the literal then.
  if (key === '__proto__') return { ...counts, [key]: (counts[key] ?? 0) + by };
  const next = { ...counts };
  next[key] = (counts[key] ?? 0) + by;
  return next;
}

function emptyCoverage(id: string, regionCode: string, period: string): CoverageView {
  return { id, regionCode, period, coveredWorkers: 0, amount: 0, bySex: {}, byOccupation: {}, byFundingSource: {} };
}

/** Members in `period`: enrolled up to it, minus those who exited before it. */
export function enrolledIn(doc: EnrolmentView | undefined, period: string): number {
  if (!doc) return 0;
  const enrolled = Object.entries(doc.enrolledByMonth).reduce((n, [m, c]) => (m <= period ? n + c : n), 0);
  const exited = Object.entries(doc.exitedByMonth).reduce((n, [m, c]) => (m < period ? n + c : n), 0);
  return enrolled - exited;
}
