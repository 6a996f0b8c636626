/**
 * Remembers client-assertion ids so each is accepted once (RFC 7523 section 3, item 7).
 * `remember` must be atomic: with Redis it is one `SET <key> 1 NX EXAT <expiresAtSeconds>`,
 * true when the key was set. Ids are scoped per agency, as two agencies may pick the same jti.
 */
export interface JtiStore {
  /** Records `jti` for `agencyId` until `expiresAtSeconds`; false when it was already recorded. */
  remember(jti: string, agencyId: string, expiresAtSeconds: number): Promise<boolean>;
}

/** Thrown by a store that cannot take another entry; the caller refuses rather than forgets. */
export class JtiStoreFullError extends Error {
  override readonly name = 'JtiStoreFullError';
}

export interface InMemoryJtiStoreOptions {
  /** Epoch milliseconds; `Date.now` unless a test injects a clock. */
  now?: () => number;
  /** Bound on remembered ids. At 300 assertions a second for 5.5 minutes, 100 000 suffices. */
  maxEntries?: number;
  /** Expired entries are swept at most this often (milliseconds). */
  sweepIntervalMs?: number;
}

/**
 * A single-replica `JtiStore`. Entries live until their expiry; a sweep drops expired ones.
 * When full of unexpired ids it refuses new ones (`JtiStoreFullError`) instead of evicting:
 * an evicted id could be replayed.
 */
export class InMemoryJtiStore implements JtiStore {
  private readonly entries = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly sweepIntervalMs: number;
  private lastSweep = 0;

  constructor(options: InMemoryJtiStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  }

  /** Number of ids currently remembered (expired ones included until the next sweep). */
  get size(): number {
    return this.entries.size;
  }

  remember(jti: string, agencyId: string, expiresAtSeconds: number): Promise<boolean> {
    const nowMs = this.now();
    const key = JSON.stringify([agencyId, jti]);
    const existing = this.entries.get(key);
    if (existing !== undefined && existing * 1000 > nowMs) return Promise.resolve(false);
    if (nowMs - this.lastSweep >= this.sweepIntervalMs || this.entries.size >= this.maxEntries)
      this.sweep(nowMs);
    if (this.entries.size >= this.maxEntries) {
      return Promise.reject(new JtiStoreFullError(`replay cache holds ${this.maxEntries} unexpired ids`));
    }
    this.entries.set(key, expiresAtSeconds);
    return Promise.resolve(true);
  }

  /** Drops every expired id. */
  sweep(nowMs: number = this.now()): void {
    this.lastSweep = nowMs;
    for (const [key, expiresAtSeconds] of this.entries) {
      if (expiresAtSeconds * 1000 <= nowMs) this.entries.delete(key);
    }
  }
}
