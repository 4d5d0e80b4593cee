import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidInput } from '@app/domain';
import { JobService, RebuildService, shownJob } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { ConsistentQuery } from '../http/query-options';
import { JobAnswerDto, JobStartedDto } from '../openapi/answers';
import { ApiIdempotencyKey, ApiProblems, ApiQueryAnswer } from '../openapi/decorators';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class NoQueryDto extends ConsistentQuery {}

/** Projection rebuilds (admin). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class AdminController {
  constructor(private readonly rebuilds: RebuildService) {}

  @Post('projections/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Rebuild every read model from the ledger in the background (admin); 202 { jobId }',
    description:
      'Replays the ledger into a fresh generation of read models while queries keep answering from the active one, then swaps it in. ' +
      'Follow it at GET /api/v1/jobs/{jobId} (progress.total is the number of events in the ledger when it started). One rebuild at a time: 409 names the running job.',
  })
  @ApiIdempotencyKey('Accepted and ignored: a second rebuild while one runs is a 409 naming the running job')
  @ApiResponse({ status: 202, type: JobStartedDto, description: 'The rebuild started' })
  @ApiProblems(400, 401, 403, 409, 429)
  async rebuild(@Query() _query: NoQueryDto, @CurrentUser() user: AuthUser) {
    const job = await this.rebuilds.start(callerOf(user));
    return { jobId: job.jobId };
  }
}

/** Background jobs (api.md "Queries"): for admins and for the user who started the job. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobService) {}

  @Get(':jobId')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'A background job: { jobId, kind, status, progress: { done, total }, startedAt, finishedAt?, result? } (admin, or the job’s creator)',
  })
  @ApiQueryAnswer({ type: JobAnswerDto, errors: [404] })
  async get(@Param('jobId') jobId: string, @Query() _query: NoQueryDto, @CurrentUser() user: AuthUser) {
    if (!JOB_ID.test(jobId)) throw new InvalidInput([{ field: 'jobId', message: 'must be a job id (a UUID)' }]);
    return shownJob(await this.jobs.get(jobId, { userId: user.userId, roles: user.roles }));
  }
}
