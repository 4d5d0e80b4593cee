import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ConsistentQuery } from '../http/query-options';
import { IsCount, IsPeriod } from '../http/validators';

export class CoverageQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({ example: '2025-12', description: 'Defaults to the current month' })
  @IsOptional()
  @IsPeriod()
  period?: string;
}

export class WorkforceEstimateDto {
  @ApiProperty({ type: 'integer', minimum: 2000, maximum: 2100, example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000_000, example: 1_000_000 })
  @IsCount()
  @Min(1)
  informalWorkers!: number;

  @ApiProperty({ example: 'BPS Sakernas Agustus 2025' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  source!: string;
}
