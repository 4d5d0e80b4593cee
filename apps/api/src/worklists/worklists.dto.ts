import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../http/paging';
import { IsRegionCode } from '../http/validators';

/** `GET /api/v1/worklists/lapsing`: a region (descendants included), paged. */
export class LapsingQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: '53.03', description: "Defaults to the caller's only region (or the whole country)" })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;
}

/** `GET /api/v1/worklists/unpaid-months`: the allocations of a fiscal year in a region, paged. */
export class UnpaidMonthsQueryDto extends LapsingQueryDto {
  @ApiPropertyOptional({
    example: '2026',
    description: "Defaults to the current year in the region (or in Jakarta's for the whole country)",
  })
  @IsOptional()
  @Matches(/^(201[5-9]|20[2-9]\d|2100)$/, { message: 'fiscalYear must be a year from 2015 to 2100, such as 2026' })
  fiscalYear?: string;
}
