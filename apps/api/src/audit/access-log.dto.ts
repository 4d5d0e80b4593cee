import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ConsistentQuery } from '../http/query-options';

const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export class AccessLogQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({ description: 'Only reads of (and searches that found) this worker' })
  @IsOptional()
  @IsUUID()
  workerId?: string;

  @ApiPropertyOptional({ description: 'Only what this user read (the token subject)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  userId?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'At or after (ISO 8601 timestamp with offset, or a date: from 00:00 UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'from must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'At or before (ISO 8601 timestamp with offset, or a date: to 24:00 UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'to must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  to?: string;
}
