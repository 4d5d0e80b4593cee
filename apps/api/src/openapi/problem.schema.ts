import { ApiProperty } from '@nestjs/swagger';

/** One invalid field of a 400 (or the line a 422 names). */
export class FieldErrorDto {
  @ApiProperty({ example: 'amount' })
  field!: string;

  @ApiProperty({ example: 'must be a whole number of rupiah from 0 to 100,000,000,000,000' })
  message!: string;
}

/** RFC 9457 problem details: every error of the API (`application/problem+json`). */
export class ProblemDto {
  @ApiProperty({ example: '/problems/invalid-input', description: 'A URI reference naming the kind of problem' })
  type!: string;

  @ApiProperty({ example: 'Invalid input' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status!: number;

  @ApiProperty({ example: 'amount must be a whole number of rupiah' })
  detail!: string;

  @ApiProperty({ type: [FieldErrorDto], description: 'Every invalid field (empty when the problem is not about a field)' })
  errors!: FieldErrorDto[];
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
