import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ConsistentQuery } from '../http/query-options';

const TREE_SIZE = /^(0|[1-9]\d{0,14})$/;
const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export class HistoryQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2025-12-31',
    description:
      'Only events recorded at or before this moment: an ISO 8601 timestamp with offset, or a date (the end of that day in the region’s time zone)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  asOf?: string;
}

export class CheckpointsQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'Signed at or after (ISO 8601 timestamp with offset, or a date: from 00:00 UTC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'from must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'Signed at or before (ISO 8601 timestamp with offset, or a date: to 24:00 UTC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT_OR_DATE, { message: 'to must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset' })
  to?: string;
}

export class InclusionQueryDto extends ConsistentQuery {
  @ApiProperty({ example: '00000000000000000042', description: 'The ledger position of the event' })
  @IsString()
  @MaxLength(100)
  position!: string;

  @ApiPropertyOptional({
    example: '10000',
    description: 'Tree size of the proof; default: the latest checkpoint that includes the event (one is signed if none does)',
  })
  @IsOptional()
  @Matches(TREE_SIZE, { message: 'treeSize must be a whole number' })
  treeSize?: string;
}

export class ConsistencyQueryDto extends ConsistentQuery {
  @ApiProperty({ example: '10000', description: 'The older tree size' })
  @Matches(TREE_SIZE, { message: 'from must be a whole number (a tree size)' })
  from!: string;

  @ApiProperty({ example: '20000', description: 'The newer tree size' })
  @Matches(TREE_SIZE, { message: 'to must be a whole number (a tree size)' })
  to!: string;
}

export class NoQueryDto extends ConsistentQuery {}
