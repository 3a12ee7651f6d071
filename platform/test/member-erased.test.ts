import { memberErasedOf } from '../src/member-erased';

describe('memberErasedOf (members.member.erased as consumers read it)', () => {
  const valid = { brandId: 'b1', memberId: 'm1', erasedAt: '2026-11-30T08:00:00+08:00', accountRefs: ['r1', 'r2'] };

  it('returns the ids, the refs and erasedAt normalized to UTC ISO 8601', () => {
    expect(memberErasedOf(valid)).toEqual({ brandId: 'b1', memberId: 'm1', erasedAt: '2026-11-30T00:00:00.000Z', accountRefs: ['r1', 'r2'] });
  });

  it('reads an event published before account refs existed as holding none', () => {
    const { accountRefs: _dropped, ...old } = valid;
    expect(memberErasedOf(old).accountRefs).toEqual([]);
  });

  it.each([
    ['no payload', null],
    ['a string', 'm1'],
    ['no brandId', { ...valid, brandId: undefined }],
    ['an empty memberId', { ...valid, memberId: '' }],
    ['a numeric memberId', { ...valid, memberId: 7 }],
    ['erasedAt that is no date', { ...valid, erasedAt: 'yesterday' }],
  ])('refuses %s', (_what, payload) => {
    expect(() => memberErasedOf(payload)).toThrow('needs brandId, memberId and erasedAt');
  });

  it.each([
    ['a string', 'r1'],
    ['a list with an empty ref', ['r1', '']],
    ['a list with a number', ['r1', 2]],
  ])('refuses accountRefs that is %s', (_what, accountRefs) => {
    expect(() => memberErasedOf({ ...valid, accountRefs })).toThrow('accountRefs must be a list of refs');
  });
});
