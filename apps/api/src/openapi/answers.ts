import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BENEFIT_KINDS, EXIT_REASONS, FUNDING_SOURCES, OCCUPATIONS } from '@app/domain';
import { FINDING_KINDS } from '@app/read-models';

/**
 * The answers of the API as OpenAPI schemas (api.md), so that a generated client knows them.
 * Examples are the public figures: NTT (53) and TTU (53.03), Rp16,800 a worker-month,
 * Rp10,080,000,000 for 50,000 workers in 2026.
 */

const POSITION = {
  example: '00000000000000012345',
  description: 'The ledger position (a string) of the last event: pass it as `consistentWith`',
};
const int = (example: number, description?: string) => ({ type: 'integer' as const, example, ...(description && { description }) });
const counts = (example: Record<string, number>, description?: string) => ({
  type: 'object' as const,
  additionalProperties: { type: 'integer' },
  example,
  ...(description && { description }),
});

// ---------------------------------------------------------------- commands

export class PositionAnswerDto {
  @ApiProperty(POSITION)
  position!: string;
}

export class AllocationCreatedDto extends PositionAnswerDto {
  @ApiProperty({ example: 'alloc-53-2026-apbd-provinsi' })
  allocationId!: string;
}

export class AllocationRevisedDto extends AllocationCreatedDto {
  @ApiProperty(int(10_800_000_000, 'The new total, whole rupiah'))
  amount!: number;
}

export class SkippedWorkerDto {
  @ApiProperty({ example: 'w-5303-000123' })
  workerId!: string;

  @ApiProperty({ example: 'ALREADY_PAID', description: 'Why the worker was skipped' })
  reason!: string;

  @ApiPropertyOptional({ example: 'already paid for 2026-01 by another allocation' })
  detail?: string;
}

export class SponsorshipAnswerDto extends PositionAnswerDto {
  @ApiProperty({ example: 'alloc-53-2026-apbd-provinsi' })
  allocationId!: string;

  @ApiProperty(int(50_000, 'Workers moved to this allocation'))
  workerCount!: number;

  @ApiProperty({ type: [SkippedWorkerDto], description: 'EXITED, ALREADY_SPONSORED, OUTSIDE_REGION (or NOT_ENROLLED)' })
  skipped!: SkippedWorkerDto[];

  @ApiPropertyOptional({ description: 'When nobody moved: why' })
  detail?: string;
}

export class WorkerCommandAnswerDto extends PositionAnswerDto {
  @ApiProperty({ example: 'w-5303-000123' })
  workerId!: string;
}

export class JobStartedDto {
  @ApiProperty({ format: 'uuid', example: '3f2c6a1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f' })
  jobId!: string;
}

export class BatchAnswerDto extends PositionAnswerDto {
  @ApiProperty({ example: 'batch-2026-01-alloc-53' })
  batchId!: string;

  @ApiProperty({ example: '2026-01' })
  period!: string;

  @ApiProperty(int(50_000, 'Workers paid'))
  workerCount!: number;

  @ApiProperty(int(840_000_000, 'Whole rupiah paid: workerCount × Rp16,800'))
  amount!: number;

  @ApiProperty({ type: [SkippedWorkerDto], description: 'ALREADY_PAID, DOUBLE_FUNDING, NOT_ACTIVE_IN_PERIOD' })
  skipped!: SkippedWorkerDto[];

  @ApiPropertyOptional({ description: 'Only when the batch pays nobody: why' })
  detail?: string;
}

export class ClaimCommandAnswerDto extends PositionAnswerDto {
  @ApiProperty({ example: 'claim-w-5303-000123-jkm' })
  claimId!: string;
}

export class ClaimSettledDto extends ClaimCommandAnswerDto {
  @ApiProperty(int(42_000_000, 'Whole rupiah paid in benefits'))
  amount!: number;
}

export class TreeCheckDto {
  @ApiProperty(int(120_000))
  treeSize!: number;

  @ApiProperty()
  matches!: boolean;
}

export class CheckpointCheckDto extends TreeCheckDto {
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  rootHash!: string;
}

export class MismatchDto {
  @ApiProperty({ example: '00000000000000012345' })
  position!: string;

  @ApiProperty({ example: 'allocation-alloc-53-2026-apbd-provinsi' })
  streamName!: string;

  @ApiProperty(int(3))
  revision!: number;

  @ApiProperty({ enum: ['changed', 'missing', 'inserted', 'reordered'] })
  problem!: string;
}

export class VerificationAnswerDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty(int(120_000))
  checkedEvents!: number;

  @ApiProperty({ nullable: true, type: String, example: '00000000000000120000' })
  lastPosition!: string | null;

  @ApiProperty(int(120_000))
  treeSize!: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  rootHash!: string;

  @ApiPropertyOptional({ type: MismatchDto })
  firstMismatch?: MismatchDto;

  @ApiPropertyOptional({ type: TreeCheckDto, description: "The ledger compared with the sealer's copy of its leaves" })
  sealed?: TreeCheckDto;

  @ApiPropertyOptional({ type: CheckpointCheckDto, description: 'The ledger compared with the latest signed checkpoint' })
  checkpoint?: CheckpointCheckDto;

  @ApiProperty({ format: 'date-time' })
  verifiedAt!: string;
}

// ---------------------------------------------------------------- coverage

export class PopulationDto {
  @ApiProperty(int(2_793_000))
  male!: number;

  @ApiProperty(int(2_814_000))
  female!: number;

  @ApiProperty(int(5_607_000))
  total!: number;
}

export class InformalWorkforceDto {
  @ApiProperty(int(1_000_000))
  informalWorkers!: number;

  @ApiProperty({ example: 'BPS Sakernas Agustus 2025' })
  source!: string;

  @ApiProperty(int(2025))
  year!: number;
}

export class CoverageFiguresDto {
  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiProperty({ example: 'Nusa Tenggara Timur' })
  regionName!: string;

  @ApiProperty({ example: '2026-01' })
  period!: string;

  @ApiProperty(int(50_000))
  enrolledWorkers!: number;

  @ApiProperty(int(50_000))
  coveredWorkers!: number;

  @ApiProperty(int(840_000_000, 'Whole rupiah paid for the period'))
  contributionAmount!: number;

  @ApiProperty(counts({ M: 30_000, F: 20_000 }))
  bySex!: Record<string, number>;

  @ApiProperty(counts({ PETANI: 30_000, NELAYAN: 20_000 }, `Per occupation: ${OCCUPATIONS.join(', ')}`))
  byOccupation!: Record<string, number>;

  @ApiProperty(counts({ APBD_PROVINSI: 50_000 }, `Per funding source: ${FUNDING_SOURCES.join(', ')}`))
  byFundingSource!: Record<string, number>;

  @ApiProperty({ type: PopulationDto, nullable: true })
  population!: PopulationDto | null;

  @ApiProperty({ type: InformalWorkforceDto, nullable: true })
  informalWorkforce!: InformalWorkforceDto | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.05, description: 'covered / informal workforce, 4 decimals' })
  coverageRatio!: number | null;
}

export class CoverageAnswerDto extends CoverageFiguresDto {
  @ApiProperty({ type: [CoverageFiguresDto] })
  children!: CoverageFiguresDto[];
}

// ---------------------------------------------------------------- funding

export class SourceFiguresDto {
  @ApiProperty({ enum: FUNDING_SOURCES, example: 'APBD_PROVINSI' })
  fundingSource!: string;

  @ApiProperty(int(10_080_000_000))
  allocated!: number;

  @ApiProperty(int(840_000_000))
  disbursed!: number;
}

export class RevisionDto {
  @ApiProperty(int(10_080_000_000))
  previousAmount!: number;

  @ApiProperty(int(10_800_000_000))
  amount!: number;

  @ApiProperty({ example: 'APBD Perubahan 2026' })
  reason!: string;

  @ApiProperty({ example: 'Perda NTT APBD-P 2026' })
  legalBasis!: string;

  @ApiProperty({ example: '2026-09-30' })
  revisedOn!: string;
}

export class AllocationDto {
  @ApiProperty({ example: 'alloc-53-2026-apbd-provinsi' })
  allocationId!: string;

  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiProperty({ enum: FUNDING_SOURCES, example: 'APBD_PROVINSI' })
  fundingSource!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty(int(10_080_000_000))
  amount!: number;

  @ApiProperty(int(840_000_000))
  disbursed!: number;

  @ApiProperty(int(9_240_000_000))
  remaining!: number;

  @ApiProperty(int(50_000))
  workerMonths!: number;

  @ApiProperty({ example: 'Perlindungan pekerja rentan NTT 2026' })
  programName!: string;

  @ApiProperty({ example: 'Pergub NTT 2026' })
  legalBasis!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 50_000 })
  targetWorkers!: number | null;

  @ApiProperty({ example: '2026-01-02' })
  allocatedOn!: string;

  @ApiProperty({ type: [RevisionDto] })
  revisions!: RevisionDto[];

  @ApiProperty(int(0))
  doubleFundingRefused!: number;

  @ApiProperty(int(0))
  refunded!: number;
}

export class FundingFiguresDto {
  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiProperty({ example: 'Nusa Tenggara Timur' })
  regionName!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty(int(10_080_000_000))
  allocated!: number;

  @ApiProperty(int(840_000_000, 'Net of releases and refunds'))
  disbursed!: number;

  @ApiProperty(int(9_240_000_000))
  remaining!: number;

  @ApiProperty(int(0))
  refunded!: number;

  @ApiProperty(int(50_000))
  workerMonths!: number;

  @ApiProperty(int(0))
  doubleFundingRefused!: number;

  @ApiProperty({ type: [SourceFiguresDto] })
  bySource!: SourceFiguresDto[];
}

export class FundingAnswerDto extends FundingFiguresDto {
  @ApiProperty({ type: [AllocationDto] })
  allocations!: AllocationDto[];

  @ApiProperty({ type: [FundingFiguresDto] })
  children!: FundingFiguresDto[];
}

// ---------------------------------------------------------------- claims

export class BenefitLineDto {
  @ApiProperty({ enum: BENEFIT_KINDS, example: 'JKM_LUMP_SUM' })
  kind!: string;

  @ApiProperty(int(20_000_000))
  amount!: number;
}

export class ClaimItemDto {
  @ApiProperty({ example: 'claim-w-5303-000123-jkm' })
  claimId!: string;

  @ApiProperty({ example: 'w-5303-000123' })
  workerId!: string;

  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty({ enum: ['JKK', 'JKM'] })
  type!: string;

  @ApiProperty({ enum: ['SUBMITTED', 'SETTLED', 'REJECTED'] })
  status!: string;

  @ApiProperty({ example: '2026-03-14' })
  incidentDate!: string;

  @ApiProperty({ example: '2026-03-20' })
  submittedOn!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-04-02' })
  settledOn!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  rejectedOn!: string | null;

  @ApiProperty(int(42_000_000))
  amount!: number;

  @ApiProperty({ type: [BenefitLineDto] })
  benefits!: BenefitLineDto[];

  @ApiProperty({ type: String, nullable: true, example: 'BPJSTK-2026-000123' })
  paymentReference!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  rejectionReason!: string | null;
}

export class ClaimCountDto {
  @ApiProperty(int(12))
  count!: number;

  @ApiProperty(int(504_000_000))
  settledAmount!: number;
}

export class ClaimTotalsDto extends ClaimCountDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ClaimCountDto' },
    example: { JKM: { count: 12, settledAmount: 504_000_000 } },
  })
  byType!: Record<string, ClaimCountDto>;
}

export class ClaimsAnswerDto {
  @ApiProperty({ type: [ClaimItemDto] })
  items!: ClaimItemDto[];

  @ApiProperty(int(1))
  page!: number;

  @ApiProperty(int(50))
  pageSize!: number;

  @ApiProperty(int(12))
  total!: number;

  @ApiProperty({ type: ClaimTotalsDto })
  totals!: ClaimTotalsDto;
}

// ---------------------------------------------------------------- workers

export class WorkerClaimDto {
  @ApiProperty({ example: 'claim-w-5303-000123-jkm' })
  claimId!: string;

  @ApiProperty({ enum: ['JKK', 'JKM'] })
  type!: string;

  @ApiProperty({ enum: ['SUBMITTED', 'SETTLED', 'REJECTED'] })
  status!: string;

  @ApiProperty({ example: '2026-03-14' })
  incidentDate!: string;

  @ApiProperty(int(42_000_000))
  amount!: number;
}

export class WorkerAnswerDto {
  @ApiProperty({ example: 'w-5303-000123' })
  workerId!: string;

  @ApiProperty({ type: String, nullable: true, example: '5303************', description: 'Never a full NIK; null after erasure' })
  nikMasked!: string | null;

  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty({ enum: OCCUPATIONS, example: 'PETANI' })
  occupation!: string;

  @ApiProperty({ enum: ['M', 'F'] })
  sex!: string;

  @ApiProperty({ enum: ['ACTIVE', 'LAPSED', 'EXITED'] })
  status!: string;

  @ApiProperty({ example: '2026-01-05' })
  enrolledOn!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  exitedOn!: string | null;

  @ApiProperty({ type: String, nullable: true, enum: [...EXIT_REASONS], example: null })
  exitReason!: string | null;

  @ApiProperty({ example: 'alloc-53-2026-apbd-provinsi', description: 'The sponsoring allocation' })
  allocationId!: string;

  @ApiProperty({ type: [String], example: ['2026-01', '2026-02'] })
  paidPeriods!: string[];

  @ApiProperty({ type: String, nullable: true, example: '2026-02' })
  lastPaidPeriod!: string | null;

  @ApiProperty({ type: [String], example: ['alloc-53-2026-apbd-provinsi'] })
  sponsors!: string[];

  @ApiProperty({ type: [WorkerClaimDto] })
  claims!: WorkerClaimDto[];
}

export class WorkerDetailDto extends WorkerAnswerDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'operator and auditor only (in the access log); null after erasure' })
  fullName?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '1985-04-17',
    description: 'operator and auditor only; null after erasure',
  })
  birthDate?: string | null;
}

export class WorkersPageDto {
  @ApiProperty({ type: [WorkerDetailDto] })
  items!: WorkerDetailDto[];

  @ApiProperty(int(1))
  page!: number;

  @ApiProperty(int(50))
  pageSize!: number;

  @ApiProperty(int(14_880))
  total!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The next page by keyset: pass it as `cursor=` (same filters) for page + 1; null on the last page',
  })
  nextCursor?: string | null;
}

// ---------------------------------------------------------------- jobs

export class JobProgressDto {
  @ApiProperty(int(5_000))
  done!: number;

  @ApiProperty(int(50_000))
  total!: number;
}

export class RefusedRowDto {
  @ApiProperty(int(17, 'The row of the file (the header is row 1)'))
  row!: number;

  @ApiProperty({ example: 'nik' })
  field!: string;

  @ApiProperty({ example: 'nik must be 16 digits' })
  reason!: string;
}

export class ImportResultDto {
  @ApiProperty(int(14_880))
  rowsRead!: number;

  @ApiProperty(int(14_800))
  enrolled!: number;

  @ApiProperty(int(0))
  alreadyEnrolled!: number;

  @ApiProperty(int(80))
  refused!: number;

  @ApiProperty({ type: [RefusedRowDto], description: 'The first 1,000 refusals; refused.csv has them all' })
  refusedRows!: RefusedRowDto[];

  @ApiPropertyOptional({ description: 'true when refusedRows holds only the first 1,000' })
  refusedRowsTruncated?: boolean;

  @ApiProperty(int(80))
  refusedRowCount!: number;
}

export class JobAnswerDto {
  @ApiProperty({ format: 'uuid', example: '3f2c6a1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f' })
  jobId!: string;

  @ApiProperty({ example: 'import', description: 'import, rebuild, …' })
  kind!: string;

  @ApiProperty({ enum: ['RUNNING', 'SUCCEEDED', 'FAILED'] })
  status!: string;

  @ApiProperty({ type: JobProgressDto })
  progress!: JobProgressDto;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  finishedAt?: string;

  @ApiPropertyOptional({
    description: 'The job’s result: an import’s is ImportResultDto; a rebuild’s, its figures',
    oneOf: [{ $ref: '#/components/schemas/ImportResultDto' }, { type: 'object', additionalProperties: true }],
  })
  result?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Why a FAILED job failed' })
  error?: string;
}

// ---------------------------------------------------------------- audit

export class ActorDto {
  @ApiProperty({ example: 'ana' })
  userId!: string;

  @ApiProperty({ example: 'finance' })
  role!: string;
}

export class AuditedEventDto {
  @ApiProperty({ example: 'FundingAllocated' })
  type!: string;

  @ApiProperty(int(0))
  revision!: number;

  @ApiProperty({ example: '00000000000000000001' })
  position!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ example: '2026-01-02' })
  effectiveDate!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s data, personal data masked' })
  data!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'hash, prevHash, actor, correlation ids' })
  metadata!: Record<string, unknown>;
}

export class StreamAnswerDto {
  @ApiProperty({ example: 'allocation-alloc-53-2026-apbd-provinsi' })
  streamName!: string;

  @ApiProperty({ type: [AuditedEventDto] })
  items!: AuditedEventDto[];
}

export class HistoryItemDto {
  @ApiProperty({ example: '00000000000000000001' })
  position!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ example: '2026-01-02' })
  effectiveDate!: string;

  @ApiProperty({ example: 'FundingAllocated' })
  type!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 10_080_000_000 })
  amount!: number | null;

  @ApiProperty(int(10_080_000_000))
  allocated!: number;

  @ApiProperty(int(0))
  disbursed!: number;

  @ApiProperty(int(10_080_000_000))
  balance!: number;

  @ApiProperty({ type: ActorDto })
  actor!: ActorDto;
}

export class AllocationHistoryDto {
  @ApiPropertyOptional({ example: 'alloc-53-2026-apbd-provinsi' })
  allocationId?: string;

  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiPropertyOptional({ enum: FUNDING_SOURCES })
  fundingSource?: string;

  @ApiPropertyOptional(int(2026))
  fiscalYear?: number;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-31' })
  asOf!: string | null;

  @ApiProperty({ type: [HistoryItemDto] })
  items!: HistoryItemDto[];
}

export class CheckpointDto {
  @ApiProperty(int(120_000))
  treeSize!: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  rootHash!: string;

  @ApiProperty({ example: '00000000000000120000' })
  position!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ description: 'The C2SP signed note (tlog-checkpoint body and Ed25519 signature line)' })
  note!: string;
}

export class CheckpointsAnswerDto {
  @ApiProperty({ type: [CheckpointDto] })
  items!: CheckpointDto[];
}

export class InclusionProofDto {
  @ApiProperty(int(11))
  leafIndex!: number;

  @ApiProperty(int(120_000))
  treeSize!: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  leafHash!: string;

  @ApiProperty({ type: [String], description: 'Lowercase hex hashes, RFC 9162' })
  path!: string[];

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  rootHash!: string;
}

export class ConsistencyProofDto {
  @ApiProperty(int(100_000))
  from!: number;

  @ApiProperty(int(120_000))
  to!: number;

  @ApiProperty({ type: [String], description: 'Lowercase hex hashes, RFC 9162' })
  path!: string[];

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  fromRootHash!: string;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  toRootHash!: string;
}

export class FindingDto {
  @ApiProperty({ enum: FINDING_KINDS })
  kind!: string;

  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty({ example: 'alloc-5303-2026-apbd-kabupaten-kota' })
  allocationId!: string;

  @ApiPropertyOptional({ example: 'w-5303-000123' })
  workerId?: string;

  @ApiPropertyOptional({ example: '2026-01' })
  period?: string;

  @ApiPropertyOptional(int(16_800))
  amount?: number;

  @ApiProperty({ example: '00000000000000012345' })
  position!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ example: 'already paid for 2026-01 by another allocation' })
  detail!: string;

  @ApiPropertyOptional({ description: 'DOUBLE_FUNDING: the allocation that had already paid, when the caller may see its region' })
  paidBy?: string;
}

export class FindingCountDto {
  @ApiProperty(int(3))
  count!: number;

  @ApiProperty(int(50_400))
  amount!: number;
}

export class FindingsAnswerDto {
  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 2026 })
  fiscalYear!: number | null;

  @ApiProperty({ type: String, nullable: true, enum: FINDING_KINDS, example: null })
  kind!: string | null;

  @ApiProperty({ type: [FindingDto] })
  items!: FindingDto[];

  @ApiProperty(int(1))
  page!: number;

  @ApiProperty(int(50))
  pageSize!: number;

  @ApiProperty(int(3))
  total!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/FindingCountDto' },
    description: 'Per kind, over every matching finding; every kind listed',
    example: { DOUBLE_FUNDING: { count: 3, amount: 50_400 } },
  })
  totals!: Record<string, FindingCountDto>;
}

export class AccessLogEntryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ example: 'budi' })
  userId!: string;

  @ApiProperty({ example: 'operator' })
  role!: string;

  @ApiProperty({ enum: ['READ', 'SEARCH_NIK'] })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'w-5303-000123' })
  workerId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '53.03' })
  regionCode!: string | null;

  @ApiProperty({ type: [String], example: ['fullName', 'birthDate'] })
  fields!: string[];

  @ApiPropertyOptional()
  requestId?: string;
}

export class AccessLogAnswerDto {
  @ApiProperty({ type: [AccessLogEntryDto] })
  items!: AccessLogEntryDto[];
}

// ---------------------------------------------------------------- reports

export class RegionClaimTotalsDto {
  @ApiProperty({ example: '53.03' })
  regionCode!: string;

  @ApiProperty({ example: 'Timor Tengah Utara' })
  regionName!: string;

  @ApiProperty({ type: ClaimTotalsDto })
  totals!: ClaimTotalsDto;
}

export class ReportClaimsDto extends RegionClaimTotalsDto {
  @ApiProperty({ example: '2026-01-01' })
  incidentFrom!: string;

  @ApiProperty({ example: '2026-12-31' })
  incidentTo!: string;

  @ApiProperty({ type: [RegionClaimTotalsDto] })
  children!: RegionClaimTotalsDto[];
}

export class OversightReportDto {
  @ApiProperty({ example: '53' })
  regionCode!: string;

  @ApiProperty({ example: 'Nusa Tenggara Timur' })
  regionName!: string;

  @ApiProperty({ example: '2026-12-31T23:59:59.999+08:00', description: 'The cut-off, in the region’s own offset' })
  asOf!: string;

  @ApiProperty(int(2026))
  fiscalYear!: number;

  @ApiProperty({ example: '2026-12' })
  period!: string;

  @ApiProperty({ type: String, nullable: true, example: '00000000000000120000', description: 'null before the first event' })
  position!: string | null;

  @ApiProperty(int(120_000))
  eventCount!: number;

  @ApiProperty(int(120_000))
  treeSize!: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  ledgerDigest!: string;

  @ApiProperty({ description: 'The C2SP signed note of the ledger at `position`' })
  checkpoint!: string;

  @ApiProperty({ type: CoverageAnswerDto })
  coverage!: CoverageAnswerDto;

  @ApiProperty({ type: FundingAnswerDto })
  funding!: FundingAnswerDto;

  @ApiProperty({ type: ReportClaimsDto })
  claims!: ReportClaimsDto;

  @ApiProperty({ description: 'Ed25519 (base64, the checkpoint key) over the canonical JSON of the report without `signature`' })
  signature!: string;
}

/** Every answer class: registered as extra models so that `$ref`s in additionalProperties resolve. */
export const ANSWER_MODELS = [ClaimCountDto, FindingCountDto, ImportResultDto];
