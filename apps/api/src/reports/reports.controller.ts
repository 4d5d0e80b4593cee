import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { reportJson, ReportsService } from '@app/ledger';
import { OversightReportDto } from '../openapi/answers';
import { ApiProblems } from '../openapi/decorators';
import { CurrentUser, Roles } from '../auth/decorators';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { RegionParamPipe } from '../http/region-param.pipe';
import { reportCsv } from './report-csv';
import { reportPdf } from './report-pdf';
import { OversightReportQueryDto } from './reports.dto';

/**
 * Point-in-time oversight reports (api.md "Audit and oversight", "Reports") for `oversight` and
 * `auditor`: JSON by default, `Accept: text/csv` for CSV, `Accept: application/pdf` for a PDF.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('oversight/:regionCode')
  @Roles('oversight', 'auditor')
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOperation({
    summary:
      'Coverage, funding and claims of a region and its children as the ledger stood at asOf, signed, with the ledger digest and checkpoint (oversight, auditor)',
    description:
      'Replays the ledger up to the last event recorded at or before asOf through the read models’ own projections (from the nearest verified snapshot), never from the live read models. ' +
      'The same request always answers the same bytes (JSON and CSV). `signature` is Ed25519 (the checkpoint key) over the canonical JSON of the report without `signature`; verify it with `npm run cli -- verify-report`.',
  })
  @ApiExtraModels(OversightReportDto)
  @ApiOkResponse({
    description: 'The report: JSON (default), CSV (`Accept: text/csv`) or PDF (`Accept: application/pdf`)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(OversightReportDto) } },
      'text/csv': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(400, 401, 403, 404, 422, 503)
  async oversight(
    @Param('regionCode', RegionParamPipe) regionCode: string,
    @Query() query: OversightReportQueryDto,
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string | StreamableFile> {
    const report = await this.reports.report(
      {
        regionCode,
        asOf: query.asOf,
        period: query.period,
        fiscalYear: query.fiscalYear === undefined ? undefined : Number(query.fiscalYear),
      },
      callerOf(user),
    );
    const format = req.accepts(['application/json', 'text/csv', 'application/pdf']) || 'application/json';
    res.setHeader('Vary', 'Accept');
    const name = `laporan-pengawasan-${regionCode}-${report.asOf.slice(0, 10)}`;
    if (format === 'text/csv') {
      res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      return reportCsv(report);
    }
    if (format === 'application/pdf') {
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${name}.pdf"`);
      return new StreamableFile(await reportPdf(report), { type: 'application/pdf' });
    }
    res.type('application/json; charset=utf-8');
    return reportJson(report);
  }
}
