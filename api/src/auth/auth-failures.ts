import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';

/**
 * The address requests are counted under, by both the request limit and the failed-authentication limit:
 * Express's `req.ip` (the TCP peer, or what GENBENCH_TRUST_PROXY lets `X-Forwarded-For` say, see
 * config/trust-proxy.ts), with an IPv6 address taken as its /64 (one host usually holds a whole /64) and an
 * IPv4-mapped IPv6 address as the IPv4 one — @nestjs/throttler's own normalisation.
 */
export function clientAddress(req: Pick<Request, 'ip' | 'socket'>): string {
  return normalizeIp(req.ip ?? req.socket?.remoteAddress ?? 'unknown');
}

const WINDOW_MS = 60_000;
/** Addresses remembered at once (about 100 bytes each): past it, expired entries go, then the oldest. */
const MAX_ADDRESSES = 100_000;

interface Entry {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

/**
 * Failed authentications (unknown, malformed, expired or revoked tokens) per client address, across every
 * route: after `limitPerMinute` failures within a minute of the first, the address is blocked for a minute
 * from the last one, and every request of it that carries a token is answered 429 before the token is
 * looked at — valid tokens included, since telling them apart would take the lookup the block saves.
 * In memory, per API process.
 */
export class AuthFailureLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = MAX_ADDRESSES,
  ) {}

  /** Seconds until the address may try again, or undefined when it is not blocked. */
  blockedFor(address: string): number | undefined {
    if (this.limitPerMinute === 0) return undefined;
    const e = this.entries.get(address);
    const left = e ? e.blockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : undefined;
  }

  recordFailure(address: string): void {
    if (this.limitPerMinute === 0) return;
    const now = this.now();
    let e = this.entries.get(address);
    if (!e || (now - e.windowStart >= WINDOW_MS && e.blockedUntil <= now)) {
      this.entries.delete(address);
      e = { windowStart: now, failures: 0, blockedUntil: 0 };
      this.entries.set(address, e);
      if (this.entries.size > this.maxAddresses) this.prune(now);
    }
    e.failures++;
    if (e.failures >= this.limitPerMinute) e.blockedUntil = now + WINDOW_MS;
  }

  /** How many addresses are remembered (for the memory bound's test). */
  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [address, e] of this.entries) {
      if (now - e.windowStart >= WINDOW_MS && e.blockedUntil <= now) this.entries.delete(address);
    }
    // Insertion order is the order windows started: the oldest go first.
    for (const address of this.entries.keys()) {
      if (this.entries.size <= this.maxAddresses) break;
      this.entries.delete(address);
    }
  }
}
