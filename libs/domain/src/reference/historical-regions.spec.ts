import { currentRegencyCode, HISTORICAL_REGENCIES, historicalRegency, isHistoricalRegency } from './historical-regions';
import { childrenOf, findRegion, isKnownRegion } from './regions';

describe('historical regency codes (the 2022 Papua splits)', () => {
  it('map every regency of the four new provinces to its former code, by name', () => {
    const newRegencies = ['93', '94', '95', '96'].flatMap((p) => childrenOf(p));
    expect(newRegencies).toHaveLength(4 + 8 + 8 + 6);
    const successors = HISTORICAL_REGENCIES.map((r) => r.successor).sort();
    expect(successors).toEqual([...newRegencies].sort());
    for (const old of HISTORICAL_REGENCIES) {
      expect(findRegion(old.successor)?.name).toBe(old.name);
    }
  });

  it('use only codes that are gone from the current list, from 91 and 92', () => {
    for (const old of HISTORICAL_REGENCIES) {
      expect(old.code).toMatch(/^9[12]\.\d\d$/);
      expect(isKnownRegion(old.code)).toBe(false);
    }
    expect(new Set(HISTORICAL_REGENCIES.map((r) => r.code)).size).toBe(HISTORICAL_REGENCIES.length);
  });

  it('know 91.01 Merauke as today 93.01 and Kota Sorong 92.71 as 96.71', () => {
    expect(isHistoricalRegency('91.01')).toBe(true);
    expect(historicalRegency('91.01')).toMatchObject({ name: 'Kabupaten Merauke', successor: '93.01' });
    expect(currentRegencyCode('91.01')).toBe('93.01');
    expect(currentRegencyCode('92.71')).toBe('96.71');
  });

  it('leave current codes alone and know nothing of invented ones', () => {
    expect(isHistoricalRegency('91.03')).toBe(false);
    expect(currentRegencyCode('91.03')).toBe('91.03');
    expect(currentRegencyCode('53.03')).toBe('53.03');
    expect(currentRegencyCode('91.99')).toBeUndefined();
    expect(currentRegencyCode('53')).toBeUndefined();
  });
});
