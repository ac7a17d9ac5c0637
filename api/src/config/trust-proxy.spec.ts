import { describe, expect, it } from 'vitest';
import { parseTrustProxy, TrustProxyConfigError } from './trust-proxy.js';

describe('parseTrustProxy (GENBENCH_TRUST_PROXY)', () => {
  it('is off by default, takes a hop count or a list of proxies', () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('off')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
  });

  it('refuses trusting every hop and what is not an address', () => {
    expect(() => parseTrustProxy('true')).toThrow(TrustProxyConfigError);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/not an address/);
    expect(() => parseTrustProxy('proxy.example')).toThrow(/not an address/);
  });
});
