import { contributionPaidV2 } from './workers.upcasters';

describe('ContributionPaid v1 to v2', () => {
  const v1 = { workerId: 'w1', period: '2025-08', amount: 16_800, allocationId: 'a', paidOn: '2025-08-10' };

  it('given a v1 payment, then v2 adds the due date of its month and keeps every v1 field', () => {
    expect(contributionPaidV2.upcast(v1)).toEqual({ ...v1, dueOn: '2025-09-15' });
  });

  it('takes the PP 49/2020 relief months from the reference table (due on the 30th)', () => {
    expect(contributionPaidV2.upcast({ ...v1, period: '2020-09' }).dueOn).toBe('2020-10-30');
  });
});
