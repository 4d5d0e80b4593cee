import { allocationStream, fundingDecider } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { tempLedger, withSlowReads } from '../../../../test/support/stores';
import { CommandShell } from './command-shell';

describe('command shell', () => {
  const actor = { userId: 'fin', role: 'finance', correlationId: 'req-7' };
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  let shell: CommandShell;
  beforeEach(() => {
    ledger = tempLedger('ledger-shell-');
    sqlite = ledger.store;
    // Every stream read answers a moment late, so overlapping commands both decide on the same revision.
    shell = new CommandShell(withSlowReads(sqlite, 10));
  });
  afterEach(() => ledger.dispose());

  it('decides again on the new state when another command appended first', async () => {
    const stream = allocationStream('a1');
    await shell.execute(fundingDecider, stream, { type: 'AllocateFunding', allocationId: 'a1', regionCode: '53', fundingSource: 'APBD_PROVINSI', fiscalYear: 2026, amount: 100, programName: 'p', legalBasis: 'l', allocatedOn: '2026-01-02' }, actor);
    const revise = (amount: number) => shell.execute(fundingDecider, stream, { type: 'ReviseFunding', allocationId: 'a1', amount, reason: 'r', legalBasis: 'l', revisedOn: '2026-03-01' }, actor);
    const [first, second] = await Promise.all([revise(200), revise(300)]);
    const events = await sqlite.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    // The one that lost the race saw the winner's amount as its previous amount.
    const [, r1, r2] = events.map((e) => e.data as { previousAmount?: number; amount: number });
    expect(r2.previousAmount).toBe(r1.amount);
    expect([first.result.nextRevision, second.result.nextRevision].sort()).toEqual([1, 2]);
  });

  it('records who acted, for which request and command', async () => {
    await shell.execute(fundingDecider, allocationStream('a2'), { type: 'AllocateFunding', allocationId: 'a2', regionCode: '53', fundingSource: 'APBD_PROVINSI', fiscalYear: 2026, amount: 1, programName: 'p', legalBasis: 'l', allocatedOn: '2026-01-02' }, actor);
    const [event] = await sqlite.readStream(allocationStream('a2'));
    expect(event.metadata).toMatchObject({ userId: 'fin', role: 'finance', correlationId: 'req-7', causationId: expect.any(String), schemaVersion: 1 });
    expect(event.effectiveDate).toBe('2026-01-02');
  });
});
