import { COUNTRY } from '@app/domain';
import type { Filter } from '@app/read-models';

/**
 * A region and its descendants as a range on the code: descendants of `53.03` are `53.03` and
 * `53.03.…`, which sort between `53.03` and `53.03~` ('~' sorts after digits and '.').
 */
export function subtreeFilter(field: string, regionCode: string): Filter {
  return regionCode === COUNTRY ? {} : { [field]: { gte: regionCode, lt: `${regionCode}~` } };
}
