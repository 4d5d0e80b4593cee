import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsBusinessDate } from '../http/validators';

export class ImportRosterQueryDto {
  @ApiProperty({ description: "The sponsoring allocation of every row (its region must contain each row's region)" })
  @IsUUID()
  allocationId!: string;

  @ApiProperty({
    example: '2025-07-07',
    description: 'The enrolment date of every row (a column enrolledOn / Tanggal Daftar overrides it per row)',
  })
  @IsBusinessDate()
  enrolledOn!: string;
}
