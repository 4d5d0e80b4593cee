import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { EXIT_REASONS, ExitReason, Occupation, OCCUPATIONS, Sex } from '@app/domain';
import { PageQuery } from '../http/paging';
import { IsBirthDate, IsBusinessDate, IsRegionCode } from '../http/validators';

export class EnrolWorkerDto {
  @ApiProperty({ example: '5303010701850001', description: 'NIK: 16 digits PPRRSS DDMMYY NNNN' })
  @IsString()
  @Matches(/^\d{16}$/, { message: 'nik must be exactly 16 digits' })
  nik!: string;

  @ApiProperty({ example: 'Yohanes Taek' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  fullName!: string;

  @ApiProperty({ example: '1985-01-07' })
  @IsBirthDate()
  birthDate!: string;

  @ApiProperty({ enum: ['M', 'F'] })
  @IsIn(['M', 'F'])
  sex!: Sex;

  @ApiProperty({ example: '53.03.01.2005', description: 'Where the worker lives now (any level)' })
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ enum: OCCUPATIONS })
  @IsIn(OCCUPATIONS)
  occupation!: Occupation;

  @ApiProperty({ description: "The sponsoring allocation (its region must contain the worker's)" })
  @IsUUID()
  allocationId!: string;

  @ApiProperty({ example: '2025-07-07' })
  @IsBusinessDate()
  enrolledOn!: string;
}

export class ExitWorkerDto {
  @ApiProperty({ enum: EXIT_REASONS })
  @IsIn(EXIT_REASONS)
  reason!: ExitReason;

  @ApiProperty({ example: '2025-12-01' })
  @IsBusinessDate()
  effectiveDate!: string;
}

export class CorrectWorkerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ enum: OCCUPATIONS })
  @IsOptional()
  @IsIn(OCCUPATIONS)
  occupation?: Occupation;

  @ApiPropertyOptional({ example: '53.03.02.2001' })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiProperty({ example: 'typo at enrolment' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;

  @ApiProperty({ example: '2025-08-01' })
  @IsBusinessDate()
  correctedOn!: string;
}

export class ReactivateWorkerDto {
  @ApiProperty({ example: '2026-03-01' })
  @IsBusinessDate()
  effectiveDate!: string;
}

export const WORKER_STATUSES = ['ACTIVE', 'LAPSED', 'EXITED'] as const;

export class WorkersQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: '53.03' })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ enum: WORKER_STATUSES })
  @IsOptional()
  @IsIn(WORKER_STATUSES)
  status?: (typeof WORKER_STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  allocationId?: string;

  @ApiPropertyOptional({
    description:
      'Keyset paging: the `nextCursor` of the previous answer, with the same filters; answers the next page (its `page` is that number, `page=` is then ignored) without walking the pages before it',
    example: 'eyJwIjoyLCJrIjpbIjUzLjAzIiwiMjAyNS0wNy0wNyIsInctMSJdfQ',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor of an earlier answer' })
  cursor?: string;
}
