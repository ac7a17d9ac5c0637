import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter, clientAddress } from './auth-failures.js';

describe('AuthFailureLimiter', () => {
  it('blocks an address for a minute from its N-th failure within a minute, and no other address', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter(3, () => now);
    limiter.recordFailure('10.0.0.1');
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBeUndefined();
    now += 30_000;
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBe(60);
    expect(limiter.blockedFor('10.0.0.2')).toBeUndefined();
    now += 59_500;
    expect(limiter.blockedFor('10.0.0.1')).toBe(1);
    now += 500;
    expect(limiter.blockedFor('10.0.0.1')).toBeUndefined();
    // A new window: one failure does not block again.
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBeUndefined();
  });

  it('forgets failures older than a minute', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(2, () => now);
    limiter.recordFailure('a');
    now += 60_000;
    limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBeUndefined();
  });

  it('limits nothing at 0', () => {
    const limiter = new AuthFailureLimiter(0);
    for (let i = 0; i < 100; i++) limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBeUndefined();
    expect(limiter.size).toBe(0);
  });

  it('remembers a bounded number of addresses, the oldest going first', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(1, () => now, 100);
    limiter.recordFailure('attacker');
    for (let i = 0; i < 1000; i++) {
      now += 1;
      limiter.recordFailure(`spoofed-${i}`);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.blockedFor('spoofed-999')).toBe(60);
    expect(limiter.blockedFor('attacker')).toBeUndefined();
  });

  it('counts an IPv6 host by its /64 and an IPv4-mapped address as IPv4', () => {
    const req = (ip: string) => ({ ip, socket: {} as never });
    expect(clientAddress(req('2001:db8:1:2:aaaa::1'))).toBe(clientAddress(req('2001:db8:1:2:bbbb::2')));
    expect(clientAddress(req('2001:db8:1:3::1'))).not.toBe(clientAddress(req('2001:db8:1:2::1')));
    expect(clientAddress(req('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });
});
