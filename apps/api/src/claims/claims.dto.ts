import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BENEFIT_KINDS, BenefitKind, CLAIM_TYPES, ClaimType } from '@app/domain';
import { PageQuery } from '../http/paging';
import { IsBusinessDate, IsRegionCode, IsRupiah } from '../http/validators';

export class SubmitClaimDto {
  @ApiProperty()
  @IsUUID()
  workerId!: string;

  @ApiProperty({ enum: CLAIM_TYPES })
  @IsIn(CLAIM_TYPES)
  type!: ClaimType;

  @ApiProperty({ example: '2025-11-03' })
  @IsBusinessDate()
  incidentDate!: string;

  @ApiProperty({ example: 'Jatuh dari pohon kelapa saat bekerja' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  description!: string;
}

export class BenefitDto {
  @ApiProperty({ enum: BENEFIT_KINDS })
  @IsIn(BENEFIT_KINDS)
  kind!: BenefitKind;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000_000_000_000, example: 20_000_000 })
  @IsRupiah()
  @Min(1)
  amount!: number;
}

export class SettleClaimDto {
  @ApiProperty({ example: '2025-12-01' })
  @IsBusinessDate()
  settledOn!: string;

  @ApiProperty({ type: [BenefitDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => BenefitDto)
  benefits!: BenefitDto[];

  @ApiProperty({ example: 'BPJSTK-NTT-2025-12-0001' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  paymentReference!: string;
}

export class RejectClaimDto {
  @ApiProperty({ example: 'not covered in the incident month' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;

  @ApiProperty({ example: '2025-12-01' })
  @IsBusinessDate()
  rejectedOn!: string;
}

export const CLAIM_STATUSES = ['SUBMITTED', 'SETTLED', 'REJECTED'] as const;

export class ClaimsQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: '53' })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ enum: CLAIM_TYPES })
  @IsOptional()
  @IsIn(CLAIM_TYPES)
  type?: ClaimType;

  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: (typeof CLAIM_STATUSES)[number];

  @ApiPropertyOptional({ example: '2025-01-01', description: 'Incident date from (inclusive)' })
  @IsOptional()
  @IsBusinessDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31', description: 'Incident date to (inclusive)' })
  @IsOptional()
  @IsBusinessDate()
  to?: string;
}
