import { describe, expect, it } from 'vitest';
import { toTokenBody } from './token-body';

describe('toTokenBody', () => {
  it('trims names and leaves out an emptied quota or expiry (the API accepts numbers or nothing)', () => {
    expect(toTokenBody({ name: ' laptop ', owner: ' bob ', role: 'admin', dailyQuota: null, expiresInDays: null })).toEqual({
      name: 'laptop',
      owner: 'bob',
      role: 'admin',
    });
    expect(toTokenBody({ name: 'ci', owner: 'bob', dailyQuota: 0, expiresInDays: 30 })).toEqual({
      name: 'ci',
      owner: 'bob',
      role: 'submitter',
      dailyQuota: 0,
      expiresInDays: 30,
    });
  });
});
