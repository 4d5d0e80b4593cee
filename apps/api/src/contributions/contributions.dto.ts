import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { IsBusinessDate, IsPeriod } from '../http/validators';

export const MAX_NAMED_WORKERS = 200_000;

export class PayContributionsDto {
  @ApiProperty()
  @IsUUID()
  allocationId!: string;

  @ApiProperty({ example: '2025-12' })
  @IsPeriod()
  period!: string;

  @ApiPropertyOptional({ description: 'Default: every active worker the allocation sponsors', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_NAMED_WORKERS)
  @IsUUID(undefined, { each: true })
  workerIds?: string[];

  @ApiProperty({ example: '2025-12-10' })
  @IsBusinessDate()
  paidOn!: string;
}
