import { isIP } from 'node:net';

/**
 * Express's `trust proxy` setting (https://expressjs.com/en/guide/behind-proxies.html), which decides the
 * client address (`req.ip`) that rate limits count per: `false` is the TCP peer; a number n takes the n-th
 * address from the right of `X-Forwarded-For`; a list names the proxies (addresses, CIDR subnets, or
 * `loopback`, `linklocal`, `uniquelocal`) and takes the right-most address that is not one of them.
 */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

export class TrustProxyConfigError extends Error {
  constructor(value: string, why: string) {
    super(`GENBENCH_TRUST_PROXY=${JSON.stringify(value)}: ${why}`);
    this.name = 'TrustProxyConfigError';
  }
}

/**
 * Parses GENBENCH_TRUST_PROXY: empty or `off` (the default: the TCP peer is the client), a hop count, or a
 * comma-separated list of proxies. `true` (trust every hop) is refused: any client could then pick the
 * address its requests are counted under by sending its own `X-Forwarded-For`.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === 'on' || v === 'all') {
    throw new TrustProxyConfigError(value, 'trusting every hop lets clients choose their address; give the hop count or the proxies');
  }
  if (/^\d+$/.test(v)) return Number(v);
  const items = v.split(',').map((s) => s.trim());
  for (const item of items) {
    if (NAMED.has(item)) continue;
    const [addr, bits, ...rest] = item.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || rest.length > 0) {
      throw new TrustProxyConfigError(value, `"${item}" is not an address, a subnet or one of ${[...NAMED].join(', ')}`);
    }
  }
  return items;
}
