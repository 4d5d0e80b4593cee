import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { IsPeriod } from '../http/validators';

export const MAX_TRANSFERRED_WORKERS = 200_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isWorkerIdList = (v: unknown, max: number) =>
  Array.isArray(v) &&
  v.length >= 1 &&
  v.length <= max &&
  v.every((id) => typeof id === 'string' && UUID.test(id)) &&
  new Set(v).size === v.length;

const ONE_OF = 'give either fromAllocationId or workerIds, not both and not neither';

/**
 * The cohort is named one way: `fromAllocationId` (a UUID) or `workerIds` (1 to `max` distinct
 * UUIDs, checked in one pass with one regex and one Set: 200,000 ids validate in milliseconds, where
 * class-validator's ArrayUnique is quadratic). Neither, or both, is an error on the field at fault.
 */
const IsCohort = (field: 'fromAllocationId' | 'workerIds', max: number, options?: ValidationOptions) => {
  const oneOf = (o: Partial<TransferSponsorshipDto>) => (o.fromAllocationId === undefined) !== (o.workerIds === undefined);
  return ValidateBy(
    {
      name: 'isCohort',
      validator: {
        validate: (v, args) =>
          oneOf(args!.object as Partial<TransferSponsorshipDto>) &&
          (field === 'fromAllocationId' ? typeof v === 'string' && UUID.test(v) : isWorkerIdList(v, max)),
        defaultMessage: (args) =>
          !oneOf(args!.object as Partial<TransferSponsorshipDto>)
            ? ONE_OF
            : field === 'fromAllocationId'
              ? 'must be a UUID'
              : `must be an array of 1 to ${max.toLocaleString('en')} distinct worker ids (UUIDs)`,
      },
    },
    options,
  );
};

/** `POST /api/v1/allocations/{allocationId}/sponsorships`: the cohort this allocation takes over, from `effectivePeriod`. */
export class TransferSponsorshipDto {
  @ApiPropertyOptional({
    description: "Take over every active worker this other allocation sponsors (e.g. last fiscal year's). Not with workerIds.",
  })
  @ValidateIf((o: TransferSponsorshipDto) => o.fromAllocationId !== undefined || o.workerIds === undefined)
  @IsCohort('fromAllocationId', 1)
  fromAllocationId?: string;

  @ApiPropertyOptional({
    description: `The workers to take over, at most ${MAX_TRANSFERRED_WORKERS.toLocaleString('en')}. Not with fromAllocationId.`,
    type: [String],
  })
  @ValidateIf((o: TransferSponsorshipDto) => o.workerIds !== undefined)
  @IsCohort('workerIds', MAX_TRANSFERRED_WORKERS)
  workerIds?: string[];

  @ApiProperty({
    example: '2026-01',
    description: 'The first period the allocation pays for these workers; inside its fiscal year (or December of the year before)',
  })
  @IsPeriod()
  effectivePeriod!: string;
}
