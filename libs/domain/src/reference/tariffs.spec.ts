import { InvalidInput, RuleViolation } from '../shared/errors';
import { contributionFor, contributionForWorker, NoTariffError, tariffOn } from './tariffs';

describe('contribution tariffs', () => {
  it('are Rp16,800 (JKK 10,000 + JKM 6,800) outside the relief months', () => {
    expect(contributionFor('2025-07')).toMatchObject({ jkk: 10_000, jkm: 6_800, total: 16_800 });
    expect(contributionFor('2015-07')).toMatchObject({ total: 16_800, basis: 'PP 44/2015' });
    expect(contributionFor('2020-07').total).toBe(16_800);
    expect(contributionFor('2021-02').total).toBe(16_800);
  });

  it('are the 99% PP 49/2020 discount in August 2020 to January 2021 when nothing is known of the worker', () => {
    expect(contributionFor('2020-08')).toMatchObject({ jkk: 100, jkm: 68, total: 168 });
    expect(contributionFor('2021-01').total).toBe(168);
  });

  describe('given a period with no tariff (before July 2015)', () => {
    it.each(['2015-06', '2000-01', '0000-01'])('refuses %s with a NoTariffError, a RuleViolation (422), not a crash', (period) => {
      const error = (() => {
        try {
          contributionFor(period);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(NoTariffError);
      expect(error).toBeInstanceOf(RuleViolation);
      expect((error as NoTariffError).kind).toBe('rule');
      expect((error as NoTariffError).errors[0].field).toBe('period');
    });

    it('answers undefined from tariffOn', () => {
      expect(tariffOn('2015-06')).toBeUndefined();
    });

    it('refuses a malformed period as invalid input (400)', () => {
      expect(() => contributionFor('2025-13')).toThrow(InvalidInput);
      expect(() => contributionFor('july')).toThrow(InvalidInput);
    });
  });

  describe('rule 12: who gets the PP 49/2020 discount', () => {
    it('gives it to a worker registered by July 2020 whose contributions were paid up to July 2020', () => {
      const c = contributionForWorker('2020-09', { registeredOn: '2019-03-10', paidUpToJuly2020: true, monthsAlreadyPaid: 17 });
      expect(c).toMatchObject({ total: 168, discounted: true });
      expect(contributionFor('2020-09', { registeredOn: '2020-07-31', paidUpToJuly2020: true, monthsAlreadyPaid: 1 }).total).toBe(168);
    });

    it('refuses it to a worker registered by July 2020 with contributions unpaid up to July 2020', () => {
      const c = contributionForWorker('2020-09', { registeredOn: '2019-03-10', paidUpToJuly2020: false, monthsAlreadyPaid: 10 });
      expect(c).toMatchObject({ jkk: 10_000, jkm: 6_800, total: 16_800, discounted: false });
      expect(c.basis).toMatch(/discount not applicable/);
    });

    it('makes a worker registered after July 2020 pay the first two months in full, then discounts from the third', () => {
      const registeredOn = '2020-08-20';
      expect(contributionFor('2020-08', { registeredOn, paidUpToJuly2020: false, monthsAlreadyPaid: 0 }).total).toBe(16_800);
      expect(contributionFor('2020-09', { registeredOn, paidUpToJuly2020: false, monthsAlreadyPaid: 1 }).total).toBe(16_800);
      expect(contributionFor('2020-10', { registeredOn, paidUpToJuly2020: false, monthsAlreadyPaid: 2 }).total).toBe(168);
    });

    it('changes nothing outside the relief months', () => {
      expect(contributionForWorker('2021-02', { registeredOn: '2020-08-20', paidUpToJuly2020: false, monthsAlreadyPaid: 0 })).toMatchObject(
        { total: 16_800, discounted: false },
      );
      expect(() => contributionForWorker('2015-01', { registeredOn: '2015-01-01', paidUpToJuly2020: true, monthsAlreadyPaid: 0 })).toThrow(
        NoTariffError,
      );
    });
  });
});
