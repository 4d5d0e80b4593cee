import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ConsistentQuery } from '../http/query-options';

const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export class OversightReportQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2025-12-31',
    description:
      'The ledger as it stood at this moment (recorded time): an ISO 8601 timestamp with offset, or a date (the end of that day in the region’s time zone). Default: now. In the future, or a day not yet ended in the region: 422.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  asOf?: string;

  @ApiPropertyOptional({
    example: '2025-12',
    description: 'The month of the coverage figures, as known at asOf. Default: the month of asOf in the region.',
  })
  @IsOptional()
  @Matches(/^(201[5-9]|20[2-9]\d|2100)-(0[1-9]|1[0-2])$/, { message: 'period must be a month written YYYY-MM from 2015-01 to 2100-12' })
  period?: string;

  @ApiPropertyOptional({
    example: '2025',
    description: 'The fiscal year of the funding figures and claims, as known at asOf. Default: the year of asOf in the region.',
  })
  @IsOptional()
  @Matches(/^(201[5-9]|20[2-9]\d|2100)$/, { message: 'fiscalYear must be a year from 2015 to 2100' })
  fiscalYear?: string;
}
