import {
  BENEFIT_KINDS,
  BenefitLinesToCheck,
  checkBenefitLines,
  disabilityBenefitFor,
  JKK_DEATH_BENEFIT,
  jkkTableOn,
  jkmTableOn,
  scholarshipTableOn,
} from './benefits';

const jkm2025 = (lines: BenefitLinesToCheck['lines'], paidMonthsBeforeIncident = 12): BenefitLinesToCheck => ({
  claimType: 'JKM',
  incidentDate: '2025-10-05',
  isDeath: true,
  isTotalPermanentDisability: false,
  paidMonthsBeforeIncident,
  lines,
});
const jkk2025 = (lines: BenefitLinesToCheck['lines'], facts: Partial<BenefitLinesToCheck> = {}): BenefitLinesToCheck => ({
  claimType: 'JKK',
  incidentDate: '2025-10-05',
  isDeath: false,
  isTotalPermanentDisability: false,
  paidMonthsBeforeIncident: 3,
  lines,
  ...facts,
});
const JKM_42M = [
  { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
  { kind: 'JKM_PERIODIC', amount: 12_000_000 },
  { kind: 'JKM_FUNERAL', amount: 10_000_000 },
];
const JKK_DEATH_70M = [
  { kind: 'JKK_DEATH', amount: 48_000_000 },
  { kind: 'JKK_PERIODIC', amount: 12_000_000 },
  { kind: 'JKK_FUNERAL', amount: 10_000_000 },
];

describe('benefit tables', () => {
  it('keep the kinds and tables other code uses, with JKK_PERIODIC added', () => {
    expect(BENEFIT_KINDS).toContain('JKK_PERIODIC');
    expect(BENEFIT_KINDS).toHaveLength(12);
    expect(JKK_DEATH_BENEFIT).toBe(48_000_000);
    expect(jkmTableOn('2019-12-02')?.basis).toBe('PP 82/2019');
    expect(jkmTableOn('2019-12-01')?.basis).toBe('PP 44/2015');
    expect(jkkTableOn('2019-12-01')).toMatchObject({ periodic: 4_800_000, funeral: 3_000_000 });
  });

  it('apply the Permenaker 5/2021 scholarship amounts to incidents from 2019-12-02, paid from 2021-04-01', () => {
    expect(scholarshipTableOn('2019-12-02')).toMatchObject({ maxChildren: 2, paidFrom: '2021-04-01', per: 'YEAR' });
    expect(scholarshipTableOn('2019-12-01')).toMatchObject({ maxChildren: 1, per: 'ONCE', jkmMinimumPaidMonths: 60 });
    expect(scholarshipTableOn('2015-06-30')).toBeUndefined();
  });
});

describe('checkBenefitLines', () => {
  describe('JKM', () => {
    it('settles Rp42,000,000 exactly from 2019-12-02', () => {
      expect(checkBenefitLines(jkm2025(JKM_42M))).toEqual([]);
    });

    it('settles Rp24,000,000 (16.2m + 4.8m + 3m) before 2019-12-02 and refuses the new amounts then', () => {
      const old = [
        { kind: 'JKM_LUMP_SUM', amount: 16_200_000 },
        { kind: 'JKM_PERIODIC', amount: 4_800_000 },
        { kind: 'JKM_FUNERAL', amount: 3_000_000 },
      ];
      expect(checkBenefitLines({ ...jkm2025(old), incidentDate: '2019-06-01' })).toEqual([]);
      const problems = checkBenefitLines({ ...jkm2025(JKM_42M), incidentDate: '2019-06-01' });
      expect(problems.map((p) => p.index)).toEqual([0, 1, 2]);
      expect(problems[0].problem).toMatch(/Rp16,200,000 \(PP 44\/2015\)/);
    });

    it('names a wrong, a repeated, a missing and a foreign line', () => {
      const problems = checkBenefitLines(
        jkm2025([
          { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
          { kind: 'JKM_PERIODIC', amount: 13_000_000 },
          { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
          { kind: 'JKK_MEDICAL', amount: 1_000 },
        ]),
      );
      expect(problems).toEqual([
        { index: 1, kind: 'JKM_PERIODIC', problem: expect.stringMatching(/Rp12,000,000/) },
        { index: 2, kind: 'JKM_LUMP_SUM', problem: expect.stringMatching(/paid once/) },
        { index: 3, kind: 'JKK_MEDICAL', problem: expect.stringMatching(/cannot be paid on a JKM claim/) },
        { index: null, kind: 'JKM_FUNERAL', problem: expect.stringMatching(/missing/) },
      ]);
    });

    it('refuses a kind that does not exist and an amount that is not whole positive rupiah', () => {
      const problems = checkBenefitLines(
        jkm2025([...JKM_42M, { kind: 'BONUS', amount: 1 }, { kind: 'SCHOLARSHIP', amount: 1_500_000.5 }], 40),
      );
      expect(problems.map((p) => [p.index, p.kind])).toEqual([
        [3, 'BONUS'],
        [4, 'SCHOLARSHIP'],
      ]);
    });
  });

  describe('JKK', () => {
    it('settles a JKK death of 48m + 12m + 10m = Rp70,000,000 exactly', () => {
      expect(checkBenefitLines(jkk2025(JKK_DEATH_70M, { isDeath: true }))).toEqual([]);
    });

    it('refuses JKK_FUNERAL of Rp99,000,000', () => {
      const problems = checkBenefitLines(
        jkk2025(
          [
            { kind: 'JKK_DEATH', amount: 48_000_000 },
            { kind: 'JKK_FUNERAL', amount: 99_000_000 },
          ],
          { isDeath: true },
        ),
      );
      expect(problems).toEqual([
        { index: 1, kind: 'JKK_FUNERAL', problem: expect.stringMatching(/Rp10,000,000 \(PP 82\/2019\), not Rp99,000,000/) },
      ]);
    });

    it('refuses death benefits when nobody died', () => {
      const problems = checkBenefitLines(jkk2025(JKK_DEATH_70M));
      expect(problems.map((p) => p.kind)).toEqual(['JKK_DEATH', 'JKK_PERIODIC', 'JKK_FUNERAL']);
    });

    it('pays medical care without a cap and caps home care, temporary incapacity and transport', () => {
      expect(
        checkBenefitLines(
          jkk2025([
            { kind: 'JKK_MEDICAL', amount: 750_000_000 },
            { kind: 'JKK_HOME_CARE', amount: 20_000_000 },
            { kind: 'JKK_TEMPORARY_INCAPACITY', amount: 12_000_000 },
            { kind: 'JKK_TRANSPORT', amount: 17_000_000 },
          ]),
        ),
      ).toEqual([]);
      const problems = checkBenefitLines(
        jkk2025([
          { kind: 'JKK_HOME_CARE', amount: 15_000_000 },
          { kind: 'JKK_HOME_CARE', amount: 5_000_001 },
          { kind: 'JKK_TEMPORARY_INCAPACITY', amount: 12_000_001 },
          { kind: 'JKK_TRANSPORT', amount: 17_000_001 },
        ]),
      );
      expect(problems.map((p) => p.index)).toEqual([1, 2, 3]);
    });

    it('has no home care before PP 82/2019 and lower transport caps', () => {
      const old = jkk2025(
        [
          { kind: 'JKK_HOME_CARE', amount: 1_000_000 },
          { kind: 'JKK_TRANSPORT', amount: 5_000_001 },
        ],
        { incidentDate: '2019-06-01' },
      );
      expect(checkBenefitLines(old).map((p) => [p.index, p.problem])).toEqual([
        [0, expect.stringMatching(/not a benefit under PP 44\/2015/)],
        [1, expect.stringMatching(/at most Rp5,000,000/)],
      ]);
    });

    it('caps disability at 70% × 80 × income = Rp56,000,000, or at the percentage of the items given', () => {
      expect(checkBenefitLines(jkk2025([{ kind: 'JKK_DISABILITY', amount: 56_000_000 }], { isTotalPermanentDisability: true }))).toEqual(
        [],
      );
      expect(checkBenefitLines(jkk2025([{ kind: 'JKK_DISABILITY', amount: 56_000_001 }]))).toHaveLength(1);
      expect(disabilityBenefitFor(['THUMB_RIGHT'], '2025-10-05')).toBe(12_000_000);
      expect(disabilityBenefitFor(['INDEX_FINGER_FIRST_JOINT_RIGHT'], '2025-10-05')).toBe(3_600_000);
      expect(disabilityBenefitFor(['BOTH_LEGS_FROM_HIP', 'SIGHT_ONE_EYE'], '2025-10-05')).toBe(56_000_000);
      expect(checkBenefitLines(jkk2025([{ kind: 'JKK_DISABILITY', amount: 12_000_000 }], { disabilityItems: ['THUMB_RIGHT'] }))).toEqual(
        [],
      );
      expect(
        checkBenefitLines(jkk2025([{ kind: 'JKK_DISABILITY', amount: 12_000_001 }], { disabilityItems: ['THUMB_RIGHT'] })),
      ).toHaveLength(1);
    });
  });

  describe('scholarships', () => {
    const two = [
      { kind: 'SCHOLARSHIP', amount: 12_000_000 },
      { kind: 'SCHOLARSHIP', amount: 1_500_000 },
    ];

    it('are refused on an injury claim (no death, no total permanent disability)', () => {
      expect(checkBenefitLines(jkk2025([{ kind: 'JKK_MEDICAL', amount: 5_000_000 }, two[0]]))).toEqual([
        { index: 1, kind: 'SCHOLARSHIP', problem: expect.stringMatching(/only on a death or a total permanent disability/) },
      ]);
    });

    it('are paid on a JKK total permanent disability, with no minimum of paid months', () => {
      expect(
        checkBenefitLines(
          jkk2025([{ kind: 'JKK_DISABILITY', amount: 56_000_000 }, ...two], {
            isTotalPermanentDisability: true,
            paidMonthsBeforeIncident: 1,
          }),
        ),
      ).toEqual([]);
    });

    it('need 36 months paid before a JKM death: 36 is enough, 35 is not', () => {
      expect(checkBenefitLines(jkm2025([...JKM_42M, ...two], 36))).toEqual([]);
      const problems = checkBenefitLines(jkm2025([...JKM_42M, ...two], 35));
      expect(problems.map((p) => p.index)).toEqual([3, 4]);
      expect(problems[0].problem).toMatch(/needs 36 months .* the worker has 35/);
    });

    it('go to at most 2 children at the table amounts', () => {
      const problems = checkBenefitLines(jkm2025([...JKM_42M, ...two, { kind: 'SCHOLARSHIP', amount: 3_000_000 }], 40));
      expect(problems).toEqual([{ index: 5, kind: 'SCHOLARSHIP', problem: expect.stringMatching(/at most 2 children/) }]);
      expect(checkBenefitLines(jkm2025([...JKM_42M, { kind: 'SCHOLARSHIP', amount: 2_500_000 }], 40))[0].problem).toMatch(
        /Rp1,500,000, Rp2,000,000, Rp3,000,000, Rp12,000,000 per child per year/,
      );
    });

    it('can be recorded for a death between 2019-12-02 and 2021-02-02, when settled from 2021-04-01', () => {
      const death = { ...jkm2025([...JKM_42M, ...two], 40), incidentDate: '2020-06-15' };
      expect(checkBenefitLines(death)).toEqual([]);
      expect(checkBenefitLines({ ...death, settledOn: '2021-04-01' })).toEqual([]);
      expect(checkBenefitLines({ ...death, settledOn: '2021-03-31' }).map((p) => p.problem)).toEqual([
        expect.stringMatching(/paid from 2021-04-01/),
        expect.stringMatching(/paid from 2021-04-01/),
      ]);
    });

    describe('before 2019-12-02 (PP 44/2015): one child, Rp12,000,000 once, after 5 years paid', () => {
      const old = [
        { kind: 'JKM_LUMP_SUM', amount: 16_200_000 },
        { kind: 'JKM_PERIODIC', amount: 4_800_000 },
        { kind: 'JKM_FUNERAL', amount: 3_000_000 },
      ];
      const death = (paid: number, scholarships: BenefitLinesToCheck['lines']) => ({
        ...jkm2025([...old, ...scholarships], paid),
        incidentDate: '2019-06-01',
      });

      it('pays one scholarship of Rp12,000,000 after 60 months', () => {
        expect(checkBenefitLines(death(60, [{ kind: 'SCHOLARSHIP', amount: 12_000_000 }]))).toEqual([]);
      });

      it('refuses it after 59 months, a second child and another amount', () => {
        expect(checkBenefitLines(death(59, [{ kind: 'SCHOLARSHIP', amount: 12_000_000 }]))[0].problem).toMatch(/needs 60 months/);
        expect(
          checkBenefitLines(
            death(60, [
              { kind: 'SCHOLARSHIP', amount: 12_000_000 },
              { kind: 'SCHOLARSHIP', amount: 12_000_000 },
            ]),
          ),
        ).toEqual([{ index: 4, kind: 'SCHOLARSHIP', problem: expect.stringMatching(/at most 1 child receives/) }]);
        expect(checkBenefitLines(death(60, [{ kind: 'SCHOLARSHIP', amount: 3_000_000 }]))[0].problem).toMatch(
          /Rp12,000,000 per child, once/,
        );
      });
    });
  });
});
