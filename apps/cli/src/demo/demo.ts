import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Progress } from '../progress';
import { childrenOf, formatRupiah, populationOf } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import {
  AllocateFundingCommand,
  BatchAnswer,
  ClaimsAnswer,
  CommandContext,
  commandContext,
  CoverageFigures,
  createLedgerContext,
  currentPeriod,
  DecideClaimCommand,
  EnrolWorkerCommand,
  EstimateWorkforceCommand,
  FundingAnswer,
  GetCoverageQuery,
  GetFundingQuery,
  GetWorkerQuery,
  LedgerConfig,
  ListClaimsQuery,
  PayContributionsCommand,
  ProjectionService,
  Role,
  SubmitClaimCommand,
  TransferSponsorshipCommand,
} from '@app/ledger';
import type { WorkerView } from '@app/read-models';
import {
  NTB,
  NTT_2025,
  NTT_2026,
  NTT_CLAIMS,
  NTT_INFORMAL_WORKFORCE,
  TTU,
  TTU_ALSO_OFFERED_TO_PROVINCE,
  TTU_DANA_DESA,
  WORKER_MONTH,
} from './public-figures';
import { PeopleFactory, villagesOf } from './people';

interface Check {
  question: string;
  expected: string | number;
  actual: string | number;
}

/**
 * Loads the public figures of domain.md as commands through the same handlers the API uses, then
 * asks the read models the questions the figures answer, and checks the answers against them.
 */
export async function runDemo(config: LedgerConfig, options: { scale: number; reset: boolean }): Promise<boolean> {
  const files = ['ledger.sqlite', 'read-models.sqlite'].map((f) => join(config.dataDir, f));
  if (!config.eventStoreUrl && files.some(existsSync)) {
    if (!options.reset) throw new Error(`${config.dataDir} already holds a ledger: run with --reset to replace it (or set DATA_DIR)`);
    for (const f of files) for (const suffix of ['', '-wal', '-shm']) rmSync(f + suffix, { force: true });
  }
  const app = await createLedgerContext(config);
  try {
    const demo = new Demo(app, options.scale);
    await demo.load();
    return await demo.answer();
  } finally {
    await app.close();
  }
}

class Demo {
  private readonly commands: CommandBus;
  private readonly queries: QueryBus;
  private readonly people = new PeopleFactory();
  /** Bars on a terminal, plain lines elsewhere (progress.ts). */
  private readonly bars = new Progress();
  private readonly n: (count: number) => number;
  private readonly ids = { ntt: [] as string[], ttu: [] as string[], danaDesa: new Map<string, string[]>() };
  private readonly allocations: Record<string, string> = {};
  /** DOUBLE_FUNDING skips the batches answered, to check against the audit findings the ledger kept. */
  private doubleFunding = 0;
  private readonly deceased: string[] = [];
  private readonly transferred = { ntt: 0, ttu: 0 };

  constructor(
    private readonly app: INestApplicationContext,
    private readonly scale: number,
  ) {
    this.commands = app.get(CommandBus);
    this.queries = app.get(QueryBus);
    this.n = (count) => (count === 0 ? 0 : Math.max(1, Math.round(count * scale)));
  }

  private actor(role: Role): CommandContext {
    return commandContext({ caller: { userId: 'demo', role, regions: ['ID'] }, correlationId: `demo-${Date.now()}` });
  }

  private async allocate(
    key: string,
    regionCode: string,
    fundingSource: 'APBD_PROVINSI' | 'APBD_KABUPATEN_KOTA' | 'DANA_DESA',
    fiscalYear: number,
    amount: number,
    legalBasis: string,
    targetWorkers: number,
    allocatedOn: string,
  ) {
    const { allocationId } = await this.commands.execute(
      new AllocateFundingCommand(
        {
          regionCode,
          fundingSource,
          fiscalYear,
          amount,
          programName: 'Perlindungan Jaminan Sosial Pekerja Rentan (JKK dan JKM)',
          legalBasis,
          targetWorkers,
          allocatedOn,
        },
        this.actor('finance'),
      ),
    );
    this.allocations[key] = allocationId;
    return allocationId;
  }

  private async enrolMany(
    task: string,
    count: number,
    allocationId: string,
    villages: string[],
    enrolledOn: string,
    occupation?: 'PERANGKAT_DESA',
  ): Promise<string[]> {
    const bar = this.bars.create(count, task);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const person = this.people.person(villages[i % villages.length], occupation);
      const { workerId } = await this.commands.execute(
        new EnrolWorkerCommand({ ...person, allocationId, enrolledOn }, this.actor('operator')),
      );
      ids.push(workerId);
      if (i % 250 === 0 || i === count - 1) bar.update(i + 1);
    }
    return ids;
  }

  /** Each month is paid on the 10th; NTT's launch month once its workers are enrolled (21 July). */
  private pay(allocationId: string, period: string, workerIds?: string[]): Promise<BatchAnswer> {
    const paidOn = period === '2025-07' ? '2025-07-25' : `${period}-10`;
    return this.commands.execute(new PayContributionsCommand({ allocationId, period, paidOn, workerIds }, this.actor('operator')));
  }

  /** Rule 13: a new budget year's allocation takes over a cohort in one command. */
  private async transfer(toAllocation: string, workerIds: string[], effectivePeriod: string): Promise<number> {
    const { workerCount } = await this.commands.execute(
      new TransferSponsorshipCommand({ allocationId: toAllocation, workerIds, effectivePeriod }, this.actor('operator')),
    );
    return workerCount;
  }

  async load(): Promise<void> {
    const s = this.scale;
    console.log(`Loading the public figures at scale ${s} (worker counts and the budgets they need × ${s})\n`);
    const admin = this.actor('admin');
    await this.commands.execute(
      new EstimateWorkforceCommand(
        {
          regionCode: '53',
          year: 2025,
          informalWorkers: this.n(NTT_INFORMAL_WORKFORCE),
          source: 'reported: ~1,000,000 informal workers in NTT (vs ~600,000 formal)',
        },
        admin,
      ),
    );
    await this.commands.execute(
      new EstimateWorkforceCommand(
        {
          regionCode: '52',
          year: 2025,
          informalWorkers: this.n(NTB.poorResidents),
          source: 'reported: 698,000 poor residents in NTB (June 2025)',
        },
        admin,
      ),
    );

    // Allocations.
    await this.allocate(
      'ntt2025',
      '53',
      'APBD_PROVINSI',
      2025,
      Math.round(NTT_2025.budget * s),
      'Pergub NTT 2025: 100,000 pekerja rentan from July 2025',
      this.n(NTT_2025.workers),
      '2025-07-01',
    );
    await this.allocate(
      'ntt2026',
      '53',
      'APBD_PROVINSI',
      2026,
      this.n(NTT_2026.workers) * WORKER_MONTH * 12,
      'APBD NTT 2026: 50,000 pekerja rentan for 12 months',
      this.n(NTT_2026.workers),
      '2026-01-02',
    );
    await this.allocate(
      'ttu2025',
      TTU.regionCode,
      'APBD_KABUPATEN_KOTA',
      2025,
      this.n(TTU.workers) * WORKER_MONTH * TTU.months2025.length,
      'APBD Kabupaten TTU 2025',
      this.n(TTU.workers),
      '2025-07-01',
    );
    await this.allocate(
      'ttu2026',
      TTU.regionCode,
      'APBD_KABUPATEN_KOTA',
      2026,
      this.n(TTU.workers) * WORKER_MONTH * 12,
      'APBD Kabupaten TTU 2026',
      this.n(TTU.workers),
      '2026-01-02',
    );
    const ttuDesa = villagesOf(TTU.regionCode)
      .filter((v) => v.split('.')[3].startsWith('2'))
      .slice(0, TTU_DANA_DESA.villages);
    for (const village of ttuDesa) {
      await this.allocate(
        `desa-${village}`,
        village,
        'DANA_DESA',
        2025,
        TTU_DANA_DESA.officialsPerVillage * WORKER_MONTH * TTU.months2025.length,
        `APBDes ${village} 2025 (Dana Desa)`,
        TTU_DANA_DESA.officialsPerVillage,
        '2025-07-01',
      );
    }
    for (const payer of NTB.payers.filter((p) => p.workers > 0)) {
      await this.allocate(
        `ntb-${payer.regionCode}`,
        payer.regionCode,
        payer.regionCode === '52' ? 'APBD_PROVINSI' : 'APBD_KABUPATEN_KOTA',
        2025,
        this.n(payer.workers) * WORKER_MONTH * 12,
        `APBD ${payer.name} 2025`,
        this.n(payer.workers),
        '2025-01-02',
      );
    }

    // Enrolments: the province's cohort across NTT's regencies (by population), TTU's own, village officials, NTB.
    const nttVillages = childrenOf('53')
      .filter((r) => r !== TTU.regionCode)
      .flatMap((regency) => {
        const villages = villagesOf(regency);
        const weight = Math.max(1, Math.round((populationOf(regency)?.total ?? 0) / 50_000));
        return villages.filter((_, i) => i % Math.max(1, Math.floor(villages.length / weight)) === 0);
      });
    this.ids.ntt = await this.enrolMany(
      'enrol NTT province cohort',
      this.n(NTT_2025.workers),
      this.allocations.ntt2025,
      nttVillages,
      NTT_2025.launchedOn,
    );
    this.ids.ttu = await this.enrolMany(
      'enrol TTU cohort',
      this.n(TTU.workers),
      this.allocations.ttu2025,
      villagesOf(TTU.regionCode),
      TTU.enrolledOn,
    );
    for (const village of ttuDesa) {
      this.ids.danaDesa.set(
        village,
        await this.enrolMany(
          `enrol perangkat desa ${village}`,
          TTU_DANA_DESA.officialsPerVillage,
          this.allocations[`desa-${village}`],
          [village],
          TTU.enrolledOn,
          'PERANGKAT_DESA',
        ),
      );
    }
    const ntbIds = new Map<string, string[]>();
    for (const payer of NTB.payers.filter((p) => p.workers > 0)) {
      const villages = payer.regionCode === '52' ? childrenOf('52').flatMap(villagesOf) : villagesOf(payer.regionCode);
      ntbIds.set(
        payer.regionCode,
        await this.enrolMany(
          `enrol NTB ${payer.name}`,
          this.n(payer.workers),
          this.allocations[`ntb-${payer.regionCode}`],
          villages.filter((_, i) => i % 7 === 0),
          NTB.enrolledOn,
        ),
      );
    }

    // Contributions, month by month.
    const months = [...NTT_2025.months, ...NTT_2026.months.filter((m) => m <= currentPeriod())];
    const bar = this.bars.create(months.length + 1, 'monthly contribution batches');
    for (const payer of NTB.payers.filter((p) => p.workers > 0)) await this.pay(this.allocations[`ntb-${payer.regionCode}`], NTB.period);
    bar.increment();
    const ttuOffered = this.ids.ttu.slice(0, Math.max(1, Math.round(this.ids.ttu.length * TTU_ALSO_OFFERED_TO_PROVINCE)));
    for (const month of months) {
      // The NTT claims (incidents August to November) are settled in December 2025, before its batch.
      if (month === '2025-12') await this.loadClaims();
      const y2025 = month < '2026-01';
      if (month === '2026-01') {
        // The 2026 budget lines take over their cohorts: TTU's whole cohort, and 50,000 of NTT's (the deceased stay behind).
        this.transferred.ttu = await this.transfer(this.allocations.ttu2026, this.ids.ttu, month);
        this.transferred.ntt = await this.transfer(this.allocations.ntt2026, this.ids.ntt.slice(0, this.n(NTT_2026.workers)), month);
      }
      await this.pay(this.allocations[y2025 ? 'ttu2025' : 'ttu2026'], month);
      if (y2025) {
        await this.pay(this.allocations.ntt2025, month);
        for (const village of ttuDesa) await this.pay(this.allocations[`desa-${village}`], month);
      } else {
        await this.pay(this.allocations.ntt2026, month);
      }
      // The province's batch offered some TTU workers whom the regency had already paid.
      const offered = await this.pay(this.allocations[y2025 ? 'ntt2025' : 'ntt2026'], month, ttuOffered);
      this.doubleFunding += offered.skipped.filter((x) => x.reason === 'DOUBLE_FUNDING').length;
      bar.increment(`monthly contribution batches (${month})`);
    }
    this.bars.stop();
  }

  private async loadClaims(): Promise<void> {
    const bar = this.bars.create(NTT_CLAIMS.count, 'NTT claims');
    const claimants = this.ids.ntt
      .filter((_, i) => i % Math.max(1, Math.floor(this.ids.ntt.length / NTT_CLAIMS.count)) === 0)
      .slice(-NTT_CLAIMS.count);
    const incident = (i: number) => `2025-${String(8 + (i % 4)).padStart(2, '0')}-${String(3 + (i % 20)).padStart(2, '0')}`;
    let i = 0;
    const claim = async (type: 'JKK' | 'JKM', benefits: Array<{ kind: never; amount: number }>, deceased: boolean) => {
      const workerId = claimants[i];
      if (deceased) this.deceased.push(workerId);
      const incidentDate = incident(i++);
      const { claimId } = await this.commands.execute(
        new SubmitClaimCommand(
          {
            workerId,
            claimType: type,
            incidentDate,
            description: deceased ? 'meninggal dunia' : 'kecelakaan kerja',
            submittedOn: '2025-12-01',
          },
          this.actor('operator'),
        ),
      );
      // Settling a death exits the worker as DECEASED on the incident date and refunds the months paid after it.
      await this.commands.execute(
        new DecideClaimCommand(
          {
            type: 'SettleClaim',
            claimId,
            settledOn: '2025-12-15',
            benefits,
            paymentReference: `BPJSTK-NTT-2025-${String(i).padStart(4, '0')}`,
          },
          this.actor('operator'),
        ),
      );
      bar.increment();
    };
    const jkm = [
      { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
      { kind: 'JKM_PERIODIC', amount: 12_000_000 },
      { kind: 'JKM_FUNERAL', amount: 10_000_000 },
    ] as Array<{ kind: never; amount: number }>;
    for (let k = 0; k < NTT_CLAIMS.jkmDeaths; k++) await claim('JKM', jkm, true);
    for (const death of NTT_CLAIMS.jkkDeaths) {
      const benefits = [
        { kind: 'JKK_DEATH', amount: 48_000_000 },
        { kind: 'JKK_PERIODIC', amount: 12_000_000 },
        { kind: 'JKK_FUNERAL', amount: 10_000_000 },
        ...death.scholarships.map((amount) => ({ kind: 'SCHOLARSHIP', amount })),
      ];
      await claim('JKK', benefits as Array<{ kind: never; amount: number }>, true);
    }
    for (let k = 0; k < NTT_CLAIMS.jkkInjuries.count; k++)
      await claim(
        'JKK',
        [{ kind: 'JKK_MEDICAL', amount: NTT_CLAIMS.jkkInjuries.medical }] as Array<{ kind: never; amount: number }>,
        false,
      );
  }

  async answer(): Promise<boolean> {
    const head = await this.app.get<EventStore>(EVENT_STORE).headPosition();
    process.stdout.write('\nWaiting for the read models to catch up with the ledger... ');
    await this.app.get(ProjectionService).waitFor(head!, 600_000);
    console.log('done.\n');
    const checks: Check[] = [];
    const s = this.scale;

    const ntt = (await this.queries.execute(new GetCoverageQuery('53', '2025-12'))) as CoverageFigures & { children: CoverageFigures[] };
    const ttuLine = ntt.children.find((c) => c.regionCode === '53.03')!;
    console.log('1. What was the coverage in NTT in December 2025?');
    console.log(
      `   ${ntt.coveredWorkers.toLocaleString('en-US')} workers covered of ${ntt.enrolledWorkers.toLocaleString('en-US')} enrolled; coverage ratio ${pct(ntt.coverageRatio)} of ~${ntt.informalWorkforce?.informalWorkers.toLocaleString('en-US')} informal workers`,
    );
    console.log(
      `   by funding source: ${Object.entries(ntt.byFundingSource)
        .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
        .join(', ')}; by sex: M ${ntt.bySex.M.toLocaleString('en-US')}, F ${ntt.bySex.F.toLocaleString('en-US')}`,
    );
    console.log(`   of which Timor Tengah Utara: ${ttuLine.coveredWorkers.toLocaleString('en-US')} (regency APBD and Dana Desa)\n`);
    const nttDeceased = NTT_CLAIMS.jkmDeaths + NTT_CLAIMS.jkkDeaths.length;
    const expectedNtt =
      this.n(NTT_2025.workers) - nttDeceased + this.n(TTU.workers) + TTU_DANA_DESA.villages * TTU_DANA_DESA.officialsPerVillage;
    checks.push({
      question: 'NTT covered workers, December 2025 (province cohort less deceased, TTU, village officials)',
      expected: expectedNtt,
      actual: ntt.coveredWorkers,
    });

    const ttu2025 = (await this.queries.execute(new GetFundingQuery('53.03', 2025))) as FundingAnswer;
    const ttu2026 = (await this.queries.execute(new GetFundingQuery('53.03', 2026))) as FundingAnswer;
    const ttuApbd = (f: FundingAnswer) => f.bySource.find((b) => b.fundingSource === 'APBD_KABUPATEN_KOTA')!;
    const ttuMonthly = this.n(TTU.workers) * WORKER_MONTH;
    console.log('2. What did Timor Tengah Utara spend?');
    console.log(
      `   2025: ${formatRupiah(ttuApbd(ttu2025).disbursed)} from the regency APBD over ${TTU.months2025.length} months (${formatRupiah(ttuMonthly)} a month for ${this.n(TTU.workers).toLocaleString('en-US')} workers), plus ${formatRupiah(ttu2025.bySource.find((b) => b.fundingSource === 'DANA_DESA')?.disbursed ?? 0)} of Dana Desa`,
    );
    console.log(
      `   2026: ${formatRupiah(ttuApbd(ttu2026).allocated)} allocated for the year, ${formatRupiah(ttuApbd(ttu2026).disbursed)} disbursed so far\n`,
    );
    checks.push({
      question: 'TTU monthly spending (14,880 × Rp16,800 at scale 1)',
      expected: formatRupiah(Math.round(TTU.workers * s) * WORKER_MONTH),
      actual: formatRupiah(ttuApbd(ttu2025).disbursed / TTU.months2025.length),
    });
    checks.push({
      question: 'TTU 2026 allocation, a year of its workers',
      expected: formatRupiah(this.n(TTU.workers) * WORKER_MONTH * 12),
      actual: formatRupiah(ttuApbd(ttu2026).allocated),
    });

    const ntb = (await this.queries.execute(new GetCoverageQuery('52', NTB.period))) as CoverageFigures & { children: CoverageFigures[] };
    const ntbFunding = (await this.queries.execute(new GetFundingQuery('52', 2025))) as FundingAnswer;
    console.log(
      `3. NTB's regencies side by side, ${NTB.period}: by residence (where the covered workers live) and by payer (whose budget pays)`,
    );
    console.log(`   ${'region'.padEnd(32)} ${'by residence'.padStart(12)} ${'by payer'.padStart(10)}`);
    const paidBy = (code: string) => ntbFunding.allocations.filter((a) => a.regionCode === code).reduce((n, a) => n + a.workerMonths, 0);
    console.log(`   ${'Provinsi NTB (its own budget)'.padEnd(32)} ${''.padStart(12)} ${paidBy('52').toLocaleString('en-US').padStart(10)}`);
    for (const child of ntb.children) {
      console.log(
        `   ${child.regionName.padEnd(32)} ${child.coveredWorkers.toLocaleString('en-US').padStart(12)} ${paidBy(child.regionCode).toLocaleString('en-US').padStart(10)}`,
      );
    }
    console.log(
      `   ${'NTB total'.padEnd(32)} ${ntb.coveredWorkers.toLocaleString('en-US').padStart(7)} covered (${(ntb.byFundingSource.APBD_PROVINSI ?? 0).toLocaleString('en-US')} paid by the province): ${pct(ntb.coverageRatio)} of ${NTB.poorResidents.toLocaleString('en-US')} poor residents\n`,
    );
    checks.push({
      question: 'NTB covered workers, June 2025',
      expected: NTB.payers.reduce((n, p) => n + this.n(p.workers), 0),
      actual: ntb.coveredWorkers,
    });
    checks.push({ question: 'Kota Mataram pays for nobody (by payer)', expected: 0, actual: paidBy('52.71') });
    checks.push({ question: 'NTB workers paid by the province, June 2025', expected: this.n(13_000), actual: paidBy('52') });

    const claims = (await this.queries.execute(new ListClaimsQuery('53', { to: '2025-12-31', status: 'SETTLED' }, 1, 5))) as ClaimsAnswer;
    console.log('4. What JKK and JKM benefits were paid in NTT by December 2025?');
    console.log(
      `   ${claims.totals.count} participants, ${formatRupiah(claims.totals.settledAmount)}: ${Object.entries(claims.totals.byType)
        .map(([type, t]) => `${type} ${t.count} (${formatRupiah(t.settledAmount)})`)
        .join(', ')}, scholarships included\n`,
    );
    checks.push({
      question: 'NTT claims settled by December 2025',
      expected: `${NTT_CLAIMS.count} / ${formatRupiah(NTT_CLAIMS.total)}`,
      actual: `${claims.totals.count} / ${formatRupiah(claims.totals.settledAmount)}`,
    });

    const ntt2026 = (await this.queries.execute(new GetFundingQuery('53', 2026))) as FundingAnswer;
    const province2026 = ntt2026.allocations.find((a) => a.fundingSource === 'APBD_PROVINSI')!;
    console.log('5. How is NTT funding 2026?');
    console.log(
      `   ${formatRupiah(province2026.amount)} allocated by the province for ${province2026.targetWorkers?.toLocaleString('en-US')} workers × Rp16,800 × 12; ${formatRupiah(province2026.disbursed)} disbursed so far (${province2026.workerMonths.toLocaleString('en-US')} worker-months)`,
    );
    const ntt2025 = (await this.queries.execute(new GetFundingQuery('53', 2025))) as FundingAnswer;
    const province2025 = ntt2025.allocations.find((a) => a.fundingSource === 'APBD_PROVINSI')!;
    console.log(
      `   2025: ${formatRupiah(province2025.amount)} budgeted by the province, ${formatRupiah(province2025.disbursed)} spent (${province2025.workerMonths.toLocaleString('en-US')} worker-months; ${formatRupiah(province2025.refunded)} refunded for months paid after a death), ${formatRupiah(province2025.remaining)} left`,
    );
    console.log(
      `   2026: ${this.transferred.ntt.toLocaleString('en-US')} workers moved to the 2026 budget line by one sponsorship transfer (TTU: ${this.transferred.ttu.toLocaleString('en-US')})`,
    );
    const refused = ntt2025.doubleFundingRefused + ntt2026.doubleFundingRefused;
    console.log(
      `   double funding refused and kept as audit findings: ${refused.toLocaleString('en-US')} worker-months the province offered to pay for TTU workers the regency had already paid\n`,
    );
    checks.push({
      question: 'double funding refused (audit findings) = DOUBLE_FUNDING skips answered',
      expected: this.doubleFunding,
      actual: refused,
    });
    checks.push({
      question: 'NTT 2026 provincial allocation',
      expected: formatRupiah(Math.round(NTT_2026.workers * s) * WORKER_MONTH * 12),
      actual: formatRupiah(province2026.amount),
    });
    checks.push({
      question: 'NTT 2025 provincial budget (Rp10.8 billion at scale 1)',
      expected: formatRupiah(Math.round(NTT_2025.budget * s)),
      actual: formatRupiah(province2025.amount),
    });
    const paid2026 = NTT_2026.months.filter((m) => m <= currentPeriod()).length;
    checks.push({
      question: 'NTT 2026: the transferred cohort is paid every month of 2026 so far',
      expected: this.transferred.ntt * paid2026,
      actual: province2026.workerMonths,
    });

    // Rule 10: no premium stays paid for a month after a worker's death.
    let afterExit = 0;
    for (const workerId of this.deceased) {
      const w = (await this.queries.execute(new GetWorkerQuery(workerId))) as WorkerView | undefined;
      afterExit += (w?.paidPeriods ?? []).filter((p) => w?.exitedOn && p > w.exitedOn.slice(0, 7)).length;
    }
    console.log(
      `6. Deaths: ${this.deceased.length} workers exited as DECEASED by their settled claims; premiums left for months after a death: ${afterExit}\n`,
    );
    checks.push({ question: 'contributions left for months after a death', expected: 0, actual: afterExit });
    checks.push({
      question: 'workers exited as DECEASED by their claims',
      expected: NTT_CLAIMS.jkmDeaths + NTT_CLAIMS.jkkDeaths.length,
      actual: this.deceased.length,
    });

    let ok = true;
    console.log('Checks against the loaded figures:');
    for (const c of checks) {
      const pass = String(c.expected) === String(c.actual);
      ok &&= pass;
      console.log(`  ${pass ? '✓' : '✗'} ${c.question}: ${c.actual}${pass ? '' : ` (expected ${c.expected})`}`);
    }
    return ok;
  }
}

function pct(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(2)}%`;
}
