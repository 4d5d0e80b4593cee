import { assertField, assertKeyset, assertScalar, Condition, Filter, FindQuery, Group, isRange, Scalar } from './read-store.port';

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

/**
 * The documents after a keyset in the sort order (`toMongoSort`: the sort keys, then id): an `$or` of
 * "equal on the keys before, beyond on this one", with a bound on the first key for the index to
 * start from.
 */
export function toMongoKeyset(after: readonly unknown[], sort: FindQuery['sort'] = []): Record<string, unknown> {
  const values = assertKeyset(after, sort);
  const keys = [...sort.map(([f, d]) => [assertField(f), d] as const), ['id', 1] as const];
  const alternatives = keys.map(([field, direction], i) => ({
    ...Object.fromEntries(keys.slice(0, i).map(([f], j) => [f, { $eq: values[j] }])),
    [field]: { [direction === 1 ? '$gt' : '$lt']: values[i] },
  }));
  const [first, direction] = keys[0];
  return { $and: [{ [first]: { [direction === 1 ? '$gte' : '$lte']: values[0] } }, { $or: alternatives }] };
}

/** The aggregation of a query's `group`: count and sum per key over the matching documents (`$sum` counts a missing value as 0). */
export function toMongoGroup(filter: Record<string, unknown>, group: NonNullable<FindQuery['group']>): Record<string, unknown>[] {
  const key = Object.fromEntries(group.by.map((f, i) => [`k${i}`, `$${assertField(f)}`]));
  const sum = group.sum === undefined ? 0 : `$${assertField(group.sum)}`;
  return [{ $match: filter }, { $group: { _id: key, n: { $sum: 1 }, s: { $sum: sum } } }];
}

export function fromMongoGroups(rows: ReadonlyArray<Record<string, unknown>>, group: NonNullable<FindQuery['group']>): Group[] {
  return rows.map((row) => {
    const id = (row._id ?? {}) as Record<string, unknown>;
    return { key: group.by.map((_, i) => (id[`k${i}`] ?? null) as Scalar), count: Number(row.n), sum: Number(row.s) };
  });
}
