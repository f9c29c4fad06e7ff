/**
 * A backoff per account after repeated failed logins, whatever addresses they come from (429 with
 * Retry-After). Counters live in this process: behind several replicas, put them in a shared store.
 */
import { createHash } from "node:crypto";

/** After FREE failures, each further one doubles the wait (from 1 s, at most MAX_WAIT_S). */
export class Backoff {
  static readonly FREE = 5;
  static readonly MAX_WAIT_S = 900;
  private readonly accounts = new Map<string, { failures: number; until: number; seen: number }>();

  static key(email: string): string {
    return createHash("sha256").update(email.normalize("NFKC").toLowerCase()).digest("hex");
  }

  /** seconds to wait before this account may try again (0: now) */
  wait(key: string, now = Date.now()): number {
    const entry = this.accounts.get(key);
    return entry && entry.until > now ? Math.ceil((entry.until - now) / 1000) : 0;
  }

  failed(key: string, now = Date.now()): void {
    const entry = this.accounts.get(key) ?? { failures: 0, until: 0, seen: now };
    if (now - entry.seen > Backoff.MAX_WAIT_S * 1000) entry.failures = 0;
    entry.failures += 1;
    entry.seen = now;
    if (entry.failures > Backoff.FREE) entry.until = now + Math.min(Backoff.MAX_WAIT_S, 2 ** (entry.failures - Backoff.FREE - 1)) * 1000;
    this.accounts.set(key, entry);
    if (this.accounts.size > 100_000) this.forgetOldest();
  }

  succeeded(key: string): void {
    this.accounts.delete(key);
  }

  private forgetOldest(): void {
    const oldest = this.accounts.keys().next();
    if (!oldest.done) this.accounts.delete(oldest.value);
  }
}
