import { Body, Controller, Get, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, Command, CommandHandler, ICommandHandler, IQueryHandler, Query as CqrsQuery, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import { childrenOf, decideWorkforceEstimate, findRegion, populationOf, Population, workforceStream } from '@app/domain';
import { CoverageView, coverageId, enrolledIn, EnrolmentView, READ_STORE, ReadStore, WorkforceView, workforceId } from '@app/read-models';
import { CurrentUser, Roles } from '../auth/decorators';
import { assertRegionAccess } from '../auth/region-scope';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { actorOf } from '../http/actor';
import { currentPeriod, today } from '../http/clock';
import { ConsistentQuery } from '../http/query-options';
import { RegionParamPipe } from '../http/region-param.pipe';
import { IsPeriod } from '../http/validators';
import { Actor, CommandShell } from '../infrastructure/command-shell';

export class CoverageQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({ example: '2025-12', description: 'Defaults to the current month' })
  @IsOptional()
  @IsPeriod()
  period?: string;
}

export class WorkforceEstimateDto {
  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ example: 1_000_000 })
  @IsInt()
  @Min(1)
  informalWorkers!: number;

  @ApiProperty({ example: 'BPS Sakernas Agustus 2025' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  source!: string;
}

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

export class GetCoverageQuery extends CqrsQuery<CoverageFigures & { children: CoverageFigures[] }> {
  constructor(readonly regionCode: string, readonly period: string) {
    super();
  }
}

@QueryHandler(GetCoverageQuery)
export class GetCoverageHandler implements IQueryHandler<GetCoverageQuery> {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  async execute({ regionCode, period }: GetCoverageQuery) {
    const codes = [regionCode, ...childrenOf(regionCode)];
    const year = Number(period.slice(0, 4));
    const models = await this.reads.active();
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
}

export class EstimateWorkforceCommand extends Command<{ position: string }> {
  constructor(readonly regionCode: string, readonly body: WorkforceEstimateDto, readonly actor: Actor) {
    super();
  }
}

@CommandHandler(EstimateWorkforceCommand)
export class EstimateWorkforceHandler implements ICommandHandler<EstimateWorkforceCommand> {
  constructor(private readonly shell: CommandShell) {}

  async execute({ regionCode, body, actor }: EstimateWorkforceCommand) {
    const events = decideWorkforceEstimate({ regionCode, ...body, estimatedOn: today() });
    const result = await this.shell.store.append(workforceStream(regionCode), this.shell.toNewEvents(events, actor, actor.correlationId), 'any');
    return { position: result.position };
  }
}

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('api/v1')
export class CoverageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('coverage/:regionCode')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Enrolled and covered workers of a region for a month, with breakdowns, denominators and its children' })
  coverage(@Param('regionCode', RegionParamPipe) regionCode: string, @Query() query: CoverageQueryDto, @CurrentUser() user: AuthUser) {
    assertRegionAccess(user, regionCode);
    return this.queries.execute(new GetCoverageQuery(regionCode, query.period ?? currentPeriod()));
  }

  @Post('regions/:regionCode/workforce-estimates')
  @Roles('admin')
  @ApiOperation({ summary: 'Record the informal workforce of a region for a year (the denominator of coverage ratios)' })
  estimate(@Param('regionCode', RegionParamPipe) regionCode: string, @Body() body: WorkforceEstimateDto, @CurrentUser() user: AuthUser, @Req() req: Request) {
    assertRegionAccess(user, regionCode);
    return this.commands.execute(new EstimateWorkforceCommand(regionCode, body, actorOf(user, req)));
  }
}
