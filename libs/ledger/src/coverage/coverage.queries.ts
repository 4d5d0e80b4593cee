import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { childrenOf, findRegion, Population, populationOf } from '@app/domain';
import { CoverageView, coverageId, enrolledIn, EnrolmentView, READ_STORE, ReadModels, ReadStore, WorkforceView, workforceId } from '@app/read-models';

export interface CoverageFigures {
  regionCode: string;
  regionName: string;
  period: string;
  enrolledWorkers: number;
  coveredWorkers: number;
  contributionAmount: number;
  bySex: Record<string, number>;
  byOccupation: Record<string, number>;
  byFundingSource: Record<string, number>;
  population: Population | null;
  informalWorkforce: { informalWorkers: number; source: string; year: number } | null;
  /** covered / informal workforce, 4 decimals; null without an estimate. */
  coverageRatio: number | null;
}

export class GetCoverageQuery extends Query<CoverageAnswer> {
  constructor(readonly regionCode: string, readonly period: string) {
    super();
  }
}

@QueryHandler(GetCoverageQuery)
export class GetCoverageHandler implements IQueryHandler<GetCoverageQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ regionCode, period }: GetCoverageQuery) {
    return coverageOf(await this.reads.active(), regionCode, period);
  }
}

export type CoverageAnswer = CoverageFigures & { children: CoverageFigures[] };

/**
 * The coverage of a region and its children for a month, from any read models: the live ones (the
 * query above) or the in-memory state of a point-in-time report. One code path for both.
 */
export async function coverageOf(models: ReadModels, regionCode: string, period: string): Promise<CoverageAnswer> {
  const codes = [regionCode, ...childrenOf(regionCode)];
  const year = Number(period.slice(0, 4));
  const [coverage, enrolment, workforce] = await Promise.all([
    models.getMany('coverage', codes.map((c) => coverageId(c, period))),
    models.getMany('enrolment', codes),
    models.getMany('workforce', codes.map((c) => workforceId(c, year))),
  ]);
  const figures = (code: string): CoverageFigures => {
    const c = coverage.get(coverageId(code, period)) as CoverageView | undefined;
    const w = workforce.get(workforceId(code, year)) as WorkforceView | undefined;
    const covered = c?.coveredWorkers ?? 0;
    return {
      regionCode: code,
      regionName: findRegion(code)?.name ?? code,
      period,
      enrolledWorkers: enrolledIn(enrolment.get(code) as EnrolmentView | undefined, period),
      coveredWorkers: covered,
      contributionAmount: c?.amount ?? 0,
      bySex: { M: 0, F: 0, ...c?.bySex },
      byOccupation: c?.byOccupation ?? {},
      byFundingSource: c?.byFundingSource ?? {},
      population: populationOf(code) ?? null,
      informalWorkforce: w ? { informalWorkers: w.informalWorkers, source: w.source, year: w.year } : null,
      coverageRatio: w ? Math.round((covered / w.informalWorkers) * 10_000) / 10_000 : null,
    };
  };
  return { ...figures(regionCode), children: codes.slice(1).map(figures) };
}
