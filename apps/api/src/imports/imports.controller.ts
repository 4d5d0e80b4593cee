import { Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { InvalidInput } from '@app/domain';
import { ImportService, JobService, refusalsCsv, RowValidator, XLSX_MEDIA_TYPE } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { ConsistentQuery } from '../http/query-options';
import { flatten } from '../http/validation';
import { EnrolWorkerDto } from '../workers/workers.dto';
import { ImportRosterQueryDto } from './imports.dto';
import { receiveRoster, rosterFormatOf } from './upload';
import { JobStartedDto } from '../openapi/answers';
import { ApiIdempotencyKey, ApiProblems } from '../openapi/decorators';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Each roster row is checked as the body of POST /api/v1/workers is: the same DTO, the same options as the validation pipe. */
export const enrolWorkerDtoErrors: RowValidator = (input) =>
  flatten(
    validateSync(plainToInstance(EnrolWorkerDto, input), {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    }),
  );

@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/v1/workers/imports')
export class ImportsController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(202)
  @Roles('operator')
  @ApiConsumes('text/csv', XLSX_MEDIA_TYPE, 'multipart/form-data')
  @ApiOperation({
    summary: 'Import a roster of workers (operator): CSV or XLSX, 202 { jobId }',
    description:
      'The body is the roster (text/csv, the XLSX media type, or multipart/form-data with a `file` part), at most 50 MB (413 above). ' +
      'Header row: nik, fullName, birthDate, sex, regionCode, occupation, or in Indonesian NIK, Nama, Tanggal Lahir (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY), ' +
      'Jenis Kelamin (L/P), Kode Wilayah, Pekerjaan; optionally enrolledOn (Tanggal Daftar). Each row is checked and enrolled as POST /api/v1/workers would; ' +
      'a NIK already enrolled and active, or a row of the same file imported before, counts as alreadyEnrolled. Follow the job at GET /api/v1/jobs/{jobId}; ' +
      'its result is { rowsRead, enrolled, alreadyEnrolled, refused, refusedRows: [{ row, field, reason }] } (the first 1,000), every refused row in GET /api/v1/jobs/{jobId}/refused.csv.',
  })
  @ApiIdempotencyKey('Accepted; a re-upload of the same file enrols nobody twice, with or without a key')
  @ApiBody({
    required: true,
    description: 'The roster: CSV text, an XLSX workbook, or a multipart/form-data `file` part',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ status: 202, type: JobStartedDto, description: 'The import started: follow GET /api/v1/jobs/{jobId}' })
  @ApiProblems(400, 401, 403, 404, 413, 415, 429)
  async import(@Query() query: ImportRosterQueryDto, @Req() req: Request & { user: AuthUser; id?: unknown }) {
    const caller = callerOf(req.user);
    const kind = rosterFormatOf(req);
    // The allocation before the body: nothing is stored for an import that cannot run.
    await this.imports.checkAllocation(query.allocationId, caller);
    const file = await receiveRoster(req, kind);
    const { job } = await this.imports.start(
      file,
      query,
      { caller, correlationId: String(req.id ?? 'roster-import') },
      { validate: enrolWorkerDtoErrors, removeFile: true },
    );
    return { jobId: job.jobId };
  }
}

/** The refused rows of an import job as CSV (admin, or the user who started it). */
@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/v1/jobs')
export class ImportRefusalsController {
  constructor(
    private readonly jobs: JobService,
    private readonly imports: ImportService,
  ) {}

  @Get(':jobId/refused.csv')
  @Roles(...READERS)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "An import job's refused rows: row,field,reason (RFC 4180), every one (admin, or the job's creator)" })
  @ApiOkResponse({
    description: 'row,field,reason (RFC 4180)',
    content: { 'text/csv': { schema: { type: 'string' }, example: 'row,field,reason\r\n17,nik,nik must be 16 digits\r\n' } },
  })
  @ApiProblems(400, 401, 403, 404, 503)
  async refused(@Param('jobId') jobId: string, @Query() _query: ConsistentQuery, @CurrentUser() user: AuthUser, @Req() req: Request) {
    if (!JOB_ID.test(jobId)) throw new InvalidInput([{ field: 'jobId', message: 'must be a job id (a UUID)' }]);
    const job = await this.jobs.get(jobId, { userId: user.userId, roles: user.roles });
    req.res?.setHeader('Content-Disposition', `attachment; filename="refused-${jobId}.csv"`);
    return refusalsCsv(await this.imports.refusals(job));
  }
}
