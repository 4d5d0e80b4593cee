import { assertField, assertScalar, Condition, Filter, isRange } from './read-store.port';

/**
 * Port filter → MongoDB filter. Only scalar values pass, so no `$` operator can ever arrive from
 * outside (a request body's `{"$gt": ""}` is refused before it gets here, and again here).
 */
export function toMongoFilter(filter: Filter = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, condition] of Object.entries(filter)) out[assertField(field)] = toMongoCondition(condition);
  return out;
}

function toMongoCondition(condition: Condition): unknown {
  if (condition === null || typeof condition !== 'object') return { $eq: assertScalar(condition) };
  if (!isRange(condition)) return { $in: condition.in.map(assertScalar) };
  const out: Record<string, unknown> = {};
  for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
    if (condition[op] !== undefined) out[`$${op}`] = assertScalar(condition[op]);
  }
  return out;
}

export function toMongoSort(sort: ReadonlyArray<readonly [string, 1 | -1]> = []): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const [field, direction] of sort) out[assertField(field)] = direction;
  out.id = 1;
  return out;
}
