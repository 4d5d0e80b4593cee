import { randomUUID } from 'node:crypto';
import { allocationStream, fundingDecider, FundingSource, workerDecider, workerStream } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { CommandContext, commandContext, CommandSeam } from '@app/ledger';

/** A command context as the API makes it: a caller of the whole country, optionally with an Idempotency-Key. */
export function contextOf(role: string, options: { userId?: string; key?: string; requestHash?: string } = {}): CommandContext {
  const caller = { userId: options.userId ?? `user-${role}`, role, regions: ['ID'] };
  const idempotency = options.key ? { key: options.key, requestHash: options.requestHash ?? 'same-request' } : undefined;
  return commandContext({ caller, correlationId: `req-${randomUUID()}`, idempotency });
}

/** Allocations and enrolments through the seam, for tests that need a ledger with workers in it. */
export function ledgerFixtures(seam: CommandSeam) {
  return {
    async allocate(regionCode: string, fundingSource: FundingSource, workerMonths: number, fiscalYear = 2025): Promise<string> {
      const allocationId = randomUUID();
      await seam.execute(
        { decider: fundingDecider, streams: [allocationStream(allocationId)] },
        {
          type: 'AllocateFunding',
          allocationId,
          regionCode,
          fundingSource,
          fiscalYear,
          amount: workerMonths * 16_800,
          programName: 'p',
          legalBasis: 'l',
          allocatedOn: `${fiscalYear}-01-02`,
        },
        contextOf('finance'),
      );
      return allocationId;
    },
    async enrol(
      allocationId: string,
      sponsorRegionCode: string,
      count: number,
      ids: string[] = Array.from({ length: count }, () => randomUUID()),
    ): Promise<string[]> {
      for (const [i, workerId] of ids.entries()) {
        await seam.execute(
          { decider: workerDecider, streams: [workerStream(workerId)] },
          {
            type: 'EnrolWorker',
            workerId,
            nik: `53030107018500${String(i + 1).padStart(2, '0')}`,
            fullName: 'x',
            birthDate: '1985-01-07',
            sex: 'M',
            regionCode: '53.03.01.2005',
            occupation: 'PETANI',
            allocationId,
            enrolledOn: '2025-07-07',
            sponsorRegionCode,
            today: '2026-11-23',
          },
          contextOf('operator'),
        );
      }
      return ids;
    },
  };
}

export function seamOn(store: EventStore): CommandSeam {
  return new CommandSeam(store);
}
