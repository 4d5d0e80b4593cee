import { groupWrites } from './mongo-read-store';
import { toMongoFilter, toMongoSort } from './mongo-filter';

describe('MongoDB mapping', () => {
  it('turns port filters into explicit operators on scalars only', () => {
    expect(toMongoFilter({ regionCode: '53.03', status: { in: ['ACTIVE', 'LAPSED'] }, period: { gte: '2025-07', lt: '2026-01' } })).toEqual(
      {
        regionCode: { $eq: '53.03' },
        status: { $in: ['ACTIVE', 'LAPSED'] },
        period: { $gte: '2025-07', $lt: '2026-01' },
      },
    );
    expect(() => toMongoFilter({ regionCode: { in: [{ $ne: null }] } } as never)).toThrow();
    expect(() => toMongoFilter({ $where: 'sleep(1000)' } as never)).toThrow();
  });

  it('always breaks sort ties by id', () => {
    expect(toMongoSort([['enrolledOn', -1]])).toEqual({ enrolledOn: -1, id: 1 });
  });

  it('writes replacements keyed by id, so replaying a batch is idempotent', () => {
    const ops = groupWrites([
      { collection: 'funding', id: '53:2025', doc: { id: '53:2025', allocated: 10_800_000_000 } },
      { collection: 'funding', id: '53.03:2025', doc: null },
    ]);
    expect(ops.get('funding')).toEqual([
      {
        replaceOne: { filter: { _id: '53:2025' }, replacement: { _id: '53:2025', id: '53:2025', allocated: 10_800_000_000 }, upsert: true },
      },
      { deleteOne: { filter: { _id: '53.03:2025' } } },
    ]);
  });
});
