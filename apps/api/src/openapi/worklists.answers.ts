import { ApiProperty } from '@nestjs/swagger';
import { OCCUPATIONS } from '@app/domain';

/**
 * The worklists' answers (issue 11 item 3) as OpenAPI schemas: memberships that lapse next month and
 * months due and unpaid per allocation. Examples: a TTU worker paid up to August 2026, seen in November.
 */

const int = (example: number, description?: string) => ({ type: 'integer' as const, example, ...(description && { description }) });

export class LapsingWorkerDto {
  @ApiProperty({ example: '9f1c2d3e-4b5a-4c6d-8e7f-0123456789ab' })
  workerId!: string;

  @ApiProperty({ type: String, nullable: true, example: '5303************', description: 'Never a full NIK; null after erasure' })
  nikMasked!: string | null;

  @ApiProperty({ example: '53.03.01.2005' })
  regionCode!: string;

  @ApiProperty({ enum: OCCUPATIONS, example: 'PETANI' })
  occupation!: string;

  @ApiProperty({ example: 'alloc-53-03-2026', description: 'The sponsoring allocation' })
  allocationId!: string;

  @ApiProperty({ example: '2026-07-01' })
  enrolledOn!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-08',
    description: 'The last paid month of the current run; null for a re-activation with nothing paid since',
  })
  lastPaidPeriod!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'The re-activation that started the current run' })
  reactivatedOn!: string | null;

  @ApiProperty({ type: [String], example: ['2026-09', '2026-10', '2026-11'], description: 'The unpaid months up to the current one' })
  unpaidPeriods!: string[];

  @ApiProperty({ example: '2026-12', description: 'The month from which the membership is LAPSED if nothing more is paid' })
  lapsePeriod!: string;

  @ApiProperty({ example: '2026-12-16', description: 'The first day it is lapsed' })
  lapsesOn!: string;

  @ApiProperty({ example: '2026-12-15', description: 'The last day a payment keeps the membership' })
  payBy!: string;
}

export class LapsingAnswerDto {
  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty({ example: '2026-11-23', description: "The region's today (rule 14): Jakarta's for the whole country" })
  today!: string;

  @ApiProperty({ example: '2026-12', description: 'Next month: the month these memberships lapse in' })
  lapsePeriod!: string;

  @ApiProperty({ type: [LapsingWorkerDto] })
  items!: LapsingWorkerDto[];

  @ApiProperty(int(1))
  page!: number;

  @ApiProperty(int(50))
  pageSize!: number;

  @ApiProperty(int(120))
  total!: number;
}

export class UnpaidMonthDto {
  @ApiProperty({ example: '2026-10' })
  period!: string;

  @ApiProperty({ example: '2026-11-15', description: 'Due by this day (rule 9; the 30th in the PP 49/2020 months)' })
  dueDate!: string;

  @ApiProperty({ description: "The due date has passed in the allocation's region" })
  overdue!: boolean;

  @ApiProperty(int(14_880, 'Sponsored workers who were members, ACTIVE in the month'))
  workersDue!: number;

  @ApiProperty(int(14_700))
  workersPaid!: number;

  @ApiProperty(int(150, 'Due, unpaid and still payable today'))
  workersUnpaid!: number;

  @ApiProperty({ ...int(2_520_000, 'Their contributions, whole rupiah'), minimum: 0 })
  amountUnpaid!: number;

  @ApiProperty(int(30, 'Due and unpaid but no longer payable: the membership lapsed since (re-activate, never back-pay) or ended'))
  workersNoLongerPayable!: number;
}

export class UnpaidTotalsDto {
  @ApiProperty(int(450, 'Worker-months unpaid and still payable'))
  workersUnpaid!: number;

  @ApiProperty({ ...int(7_560_000, 'Whole rupiah'), minimum: 0 })
  amountUnpaid!: number;

  @ApiProperty(int(90, 'Worker-months no longer payable'))
  workersNoLongerPayable!: number;
}

export class AllocationUnpaidMonthsDto {
  @ApiProperty({ example: 'alloc-53-03-2026' })
  allocationId!: string;

  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty({ example: 'APBD_KABUPATEN_KOTA' })
  fundingSource!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty({ example: 'Perlindungan pekerja rentan TTU 2026' })
  programName!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11',
    description: "The last month looked at: the region's current month, or December of the fiscal year; null before the year starts",
  })
  throughPeriod!: string | null;

  @ApiProperty({ type: [UnpaidMonthDto], description: 'Only months with an unpaid worker-month, oldest first' })
  months!: UnpaidMonthDto[];

  @ApiProperty({ type: UnpaidTotalsDto })
  totals!: UnpaidTotalsDto;
}

export class UnpaidMonthsAnswerDto {
  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty({ type: [AllocationUnpaidMonthsDto] })
  items!: AllocationUnpaidMonthsDto[];

  @ApiProperty(int(1))
  page!: number;

  @ApiProperty(int(50))
  pageSize!: number;

  @ApiProperty(int(3, 'Allocations of the fiscal year in the region'))
  total!: number;
}
