import { allocationStream, AllocateFunding, fundingDecider } from '@app/domain';
import { AppendOutcomeUnknownError, SqliteEventStore, StreamWrite } from '@app/event-store';
import { tempLedger, withOverrides, withSlowReads } from '../../../../test/support/stores';
import { contextOf } from '../../../../test/support/ledger';
import { CommandSeam, commandStream } from './command-seam';

const allocate = (allocationId: string, amount = 100): AllocateFunding => ({
  type: 'AllocateFunding',
  allocationId,
  regionCode: '53',
  fundingSource: 'APBD_PROVINSI',
  fiscalYear: 2026,
  amount,
  programName: 'p',
  legalBasis: 'l',
  allocatedOn: '2026-01-02',
});
const funding = (allocationId: string) => ({ decider: fundingDecider, streams: [allocationStream(allocationId)] });

describe('the command seam', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  beforeEach(() => {
    ledger = tempLedger('ledger-seam-');
    sqlite = ledger.store;
  });
  afterEach(() => ledger.dispose());

  it('decides again on the new state when another command appended first', async () => {
    // Every stream read answers a moment late, so overlapping commands both decide on the same revision.
    const seam = new CommandSeam(withSlowReads(sqlite, 10));
    await seam.execute(funding('a1'), allocate('a1'), contextOf('finance'));
    const revise = (amount: number) =>
      seam.execute(
        funding('a1'),
        { type: 'ReviseFunding', allocationId: 'a1', amount, reason: 'r', legalBasis: 'l', revisedOn: '2026-03-01' },
        contextOf('finance'),
      );
    await Promise.all([revise(200), revise(300)]);
    const events = await sqlite.readStream(allocationStream('a1'));
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    // The one that lost the race saw the winner's amount as its previous amount.
    const [, r1, r2] = events.map((e) => e.data as { previousAmount?: number; amount: number });
    expect(r2.previousAmount).toBe(r1.amount);
  });

  it('records who acted, for which request and command, and the schema version of each event', async () => {
    const context = contextOf('finance', { userId: 'fin' });
    await new CommandSeam(sqlite).execute(funding('a2'), allocate('a2', 1), context);
    const [event] = await sqlite.readStream(allocationStream('a2'));
    expect(event.metadata).toMatchObject({
      userId: 'fin',
      role: 'finance',
      correlationId: context.correlationId,
      causationId: context.commandId,
      schemaVersion: 1,
    });
    expect(event.effectiveDate).toBe('2026-01-02');
  });

  describe('idempotency in the ledger', () => {
    it('given a keyed command carried out, when it is retried, then nothing new is appended and the first answer comes back', async () => {
      const seam = new CommandSeam(sqlite);
      const first = await seam.execute(funding('a3'), allocate('a3'), contextOf('finance', { key: 'k-1' }));
      const again = await seam.execute(funding('a3'), allocate('a3'), contextOf('finance', { key: 'k-1' }));
      expect(again).toMatchObject({ replayed: true, position: first.position });
      expect(again.events).toEqual(first.events);
      expect((await sqlite.readStream(allocationStream('a3'))).map((e) => e.type)).toEqual(['FundingAllocated']);
      expect((await sqlite.readStream(commandStream(contextOf('finance', { key: 'k-1' }).commandId))).map((e) => e.type)).toEqual([
        'CommandAccepted',
      ]);
    });

    it('refuses the same key with another request (409), even on another stream', async () => {
      const seam = new CommandSeam(sqlite);
      await seam.execute(funding('a4'), allocate('a4'), contextOf('finance', { key: 'k-2', requestHash: 'h1' }));
      await expect(seam.execute(funding('a5'), allocate('a5'), contextOf('finance', { key: 'k-2', requestHash: 'h2' }))).rejects.toThrow(
        /already used with another request/,
      );
      expect(await sqlite.readStream(allocationStream('a5'))).toEqual([]);
    });

    it('keys belong to their user: the same key of another user is another command', async () => {
      const seam = new CommandSeam(sqlite);
      await seam.execute(funding('a6'), allocate('a6'), contextOf('finance', { key: 'k-3', userId: 'ana' }));
      const other = await seam.execute(funding('a7'), allocate('a7'), contextOf('finance', { key: 'k-3', userId: 'budi' }));
      expect(other.replayed).toBe(false);
    });

    it('retries an append whose outcome is unknown with the same ids: the event lands once', async () => {
      let timeouts = 1;
      // A write that commits and then times out, as EventStoreDB's client can report it.
      const flaky = withOverrides(sqlite, {
        appendMany: async (writes: StreamWrite[]) => {
          const outcomes = await sqlite.appendMany(writes);
          if (timeouts-- > 0)
            return writes.map((w) => ({
              ok: false as const,
              error: new AppendOutcomeUnknownError(w.streamName, new Error('deadline exceeded')),
            }));
          return outcomes;
        },
      });
      const answer = await new CommandSeam(flaky).execute(funding('a8'), allocate('a8'), contextOf('finance'));
      const events = await sqlite.readStream(allocationStream('a8'));
      expect(events).toHaveLength(1);
      expect(answer.position).toBe(events[0].position);
    });

    it('a keyed command whose first attempt was written but not answered is found again, on the same ids', async () => {
      const seam = new CommandSeam(sqlite);
      const context = contextOf('finance', { key: 'k-4' });
      const first = await seam.execute(funding('a9'), allocate('a9'), context);
      // Later commands change the stream; the retry still answers what the first execution did.
      await seam.execute(
        funding('a9'),
        { type: 'ReviseFunding', allocationId: 'a9', amount: 500, reason: 'r', legalBasis: 'l', revisedOn: '2026-03-01' },
        contextOf('finance'),
      );
      const again = await seam.execute(funding('a9'), allocate('a9'), contextOf('finance', { key: 'k-4' }));
      expect(again.position).toBe(first.position);
      expect((await sqlite.readStream(allocationStream('a9'))).map((e) => e.type)).toEqual(['FundingAllocated', 'FundingRevised']);
    });
  });
});
