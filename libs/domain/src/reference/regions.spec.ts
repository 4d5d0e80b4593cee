import { ancestorsOf, childrenOf, contains, findRegion, isKnownRegion, populationOf } from './regions';

describe('regions (Kepmendagri 2025)', () => {
  it('knows the rows the project relies on', () => {
    expect(findRegion('53.03')).toMatchObject({
      name: 'Kabupaten Timor Tengah Utara',
      level: 'regency',
      parent: '53',
      timeZone: 'Asia/Makassar',
    });
    expect(findRegion('52.71')?.name).toBe('Kota Mataram');
    expect(findRegion('53')?.name).toBe('Nusa Tenggara Timur');
    expect(findRegion('52.71.01.1004')).toMatchObject({ name: 'Ampenan Selatan', level: 'village', parent: '52.71.01' });
    expect(findRegion('ID')).toMatchObject({ level: 'country' });
  });

  it('uses Kemendagri codes, never the older BPS numbering (TTU is not 53.05 there)', () => {
    expect(findRegion('53.05')?.name).not.toBe('Kabupaten Timor Tengah Utara');
    expect(isKnownRegion('5303')).toBe(false);
  });

  it('walks the tree both ways', () => {
    expect(ancestorsOf('53.03.01.2001')).toEqual(['53.03.01', '53.03', '53', 'ID']);
    expect(childrenOf('ID')).toHaveLength(38);
    expect(childrenOf('53')).toContain('53.03');
    expect(contains('53', '53.03.01')).toBe(true);
    expect(contains('53.0', '53.03')).toBe(false);
    expect(contains('53.03', '53.01')).toBe(false);
  });

  it('gives the time zone of the province: WIB, WITA, WIT', () => {
    expect(findRegion('31')?.utcOffset).toBe('+07:00');
    expect(findRegion('61')?.utcOffset).toBe('+07:00');
    expect(findRegion('52')?.utcOffset).toBe('+08:00');
    expect(findRegion('94')?.utcOffset).toBe('+09:00');
  });

  it('holds the 2025 population per province and regency', () => {
    expect(populationOf('53.03')).toEqual({ male: 137887, female: 138145, total: 276032 });
    expect(populationOf('ID')?.total).toBe(284973643);
    expect(populationOf('53.03.01')).toBeUndefined();
  });
});
