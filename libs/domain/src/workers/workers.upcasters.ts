import { dueDateOf } from '../reference/due-dates';
import type { EventUpcaster } from '../shared/upcaster';

/**
 * ContributionPaid v2 carries `dueOn`, the date the month's contribution was due (rule 9: the 15th of
 * the next month, the 30th in the PP 49/2020 relief months). v1 events, written before, get it from
 * the same reference table: the due date is a fact of the period, not of the payment.
 */
export const contributionPaidV2: EventUpcaster = {
  type: 'ContributionPaid',
  fromVersion: 1,
  upcast: (data) => ({ ...data, dueOn: dueDateOf(String(data.period)) }),
};

export const WORKER_UPCASTERS: readonly EventUpcaster[] = [contributionPaidV2];
