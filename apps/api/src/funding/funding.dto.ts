import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { FUNDING_SOURCES, FundingSource } from '@app/domain';
import { ConsistentQuery } from '../http/query-options';
import { IsBusinessDate, IsCount, IsRegionCode, IsRupiah } from '../http/validators';

export class AllocateFundingDto {
  @ApiProperty({ example: '53', description: 'Kemendagri code of the paying region' })
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ enum: FUNDING_SOURCES, example: 'APBD_PROVINSI' })
  @IsIn(FUNDING_SOURCES)
  fundingSource!: FundingSource;

  @ApiProperty({ type: 'integer', minimum: 2015, maximum: 2100, example: 2026 })
  @IsInt()
  @Min(2015)
  @Max(2100)
  fiscalYear!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000_000_000_000, example: 10_080_000_000, description: 'Whole rupiah' })
  @IsRupiah()
  @Min(1)
  amount!: number;

  @ApiProperty({ example: 'Perlindungan Jaminan Sosial Pekerja Rentan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  programName!: string;

  @ApiProperty({ example: 'Peraturan Gubernur NTT' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  legalBasis!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000_000, example: 50_000 })
  @IsOptional()
  @IsCount()
  @Min(1)
  targetWorkers?: number;

  @ApiProperty({ example: '2026-01-02' })
  @IsBusinessDate()
  allocatedOn!: string;
}

export class ReviseFundingDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 100_000_000_000_000,
    example: 10_800_000_000,
    description: 'The new total, whole rupiah',
  })
  @IsRupiah()
  amount!: number;

  @ApiProperty({ example: 'APBD Perubahan 2026' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;

  @ApiProperty({ example: 'Perda APBD Perubahan 2026' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  legalBasis!: string;

  @ApiProperty({ example: '2026-09-15' })
  @IsBusinessDate()
  revisedOn!: string;
}

export class FundingQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({ example: '2026', description: 'Defaults to the current year' })
  @IsOptional()
  @Matches(/^(201[5-9]|20[2-9]\d|2100)$/, { message: 'fiscalYear must be a year from 2015 to 2100, such as 2026' })
  fiscalYear?: string;
}
