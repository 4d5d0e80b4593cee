import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsBusinessDate } from '../http/validators';
import { WorkersQueryDto } from './workers.dto';

/** POST /workers/{workerId}/erasure (admin). Free text: it must not name the person. */
export class EraseWorkerDto {
  @ApiProperty({ example: 'erasure request of the data subject (UU 27/2022 art. 8)', description: 'Why; must not name the person' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;

  @ApiProperty({ example: 'UU 27/2022 Pasal 8; request no. 2026/117', description: 'The legal basis of the erasure' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  legalBasis!: string;

  @ApiProperty({ example: '2026-11-20', description: 'When the erasure was requested (not in the future of the region)' })
  @IsBusinessDate()
  requestedOn!: string;
}

/** GET /workers: the list, or (1.1) `nik=` for the worker with exactly that NIK (operator, auditor). */
export class WorkersSearchDto extends WorkersQueryDto {
  @ApiPropertyOptional({
    example: '5303010701850001',
    description: 'Exact NIK (16 digits): operator and auditor only; neither stored nor logged',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{16}$/, { message: 'nik must be 16 digits' })
  nik?: string;
}
