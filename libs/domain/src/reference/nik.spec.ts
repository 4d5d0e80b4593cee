import { maskNik, validateNik } from './nik';

describe('NIK validation', () => {
  // 53.03.01 (Miomaffo Timur, TTU), born 7 January 1985, serial 0001.
  const man = '5303010701850001';
  const woman = '5303014701850002'; // day 07 + 40

  it('accepts a valid NIK consistent with the declared sex and birth date', () => {
    expect(validateNik(man, { sex: 'M', birthDate: '1985-01-07' })).toEqual([]);
    expect(validateNik(woman, { sex: 'F', birthDate: '1985-01-07' })).toEqual([]);
  });

  it.each([
    ['530301070185000', /exactly 16 digits/],
    ['53030107018500011', /exactly 16 digits/],
    ['53030107018500a1', /exactly 16 digits/],
    ['5399010701850001', /53\.99 is not in the Kemendagri list/],
    ['5303013202850001', /not a real birth date/],
    ['5303017202850001', /not a real birth date/],
    ['5303010713850001', /not a real birth date/],
    ['5303010701850000', /serial .* must not be 0000/],
  ])('refuses %s', (nik, message) => {
    const errors = validateNik(nik);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join(' | ')).toMatch(message);
  });

  it('refuses a NIK whose sex or birth date disagree with what is declared', () => {
    expect(validateNik(man, { sex: 'F' })[0].message).toMatch(/that of a man, but sex is F/);
    expect(validateNik(woman, { sex: 'M' })[0].message).toMatch(/woman \(day \+ 40\), but sex is M/);
    expect(validateNik(man, { birthDate: '1985-01-08' })[0].message).toMatch(/does not match birthDate 1985-01-08/);
    expect(validateNik(man, { birthDate: '1995-01-07' })[0].message).toMatch(/does not match/);
  });

  it('accepts 29 February only in a leap year of either century', () => {
    expect(validateNik('5303012902000001')).toEqual([]);
    expect(validateNik('5303012902010001')[0].message).toMatch(/not a real birth date/);
  });

  it('lists every failure at once', () => {
    expect(validateNik('9999993202850000')).toHaveLength(3);
  });

  describe('issued before the 2022 Papua splits (rule 15)', () => {
    it.each([
      ['9101010701850001', '91.01 Merauke, now 93.01 (Papua Selatan)'],
      ['9109014701900002', '91.09 Mimika, now 94.04 (Papua Tengah)'],
      ['9102010701850001', '91.02 Jayawijaya, now 95.01 (Papua Pegunungan)'],
      ['9271010701850001', '92.71 Kota Sorong, now 96.71 (Papua Barat Daya)'],
    ])('accepts %s, issued in %s', (nik) => {
      expect(validateNik(nik)).toEqual([]);
    });

    it('still accepts the current codes and refuses codes that never existed', () => {
      expect(validateNik('9301010701850001')).toEqual([]);
      expect(validateNik('9103010701850001')).toEqual([]);
      expect(validateNik('9129010701850001')[0].message).toMatch(/91\.29 is not in the Kemendagri list/);
      expect(validateNik('9213010701850001')[0].message).toMatch(/92\.13 is not in the Kemendagri list/);
    });
  });

  it('masks the birth date', () => {
    expect(maskNik(man)).toBe('530301******0001');
  });
});
