export interface JwkSet {
  keys: Record<string, unknown>[];
}

/**
 * The gateway's public JWK Set, fetched on first use and kept for `ttlMs`. A `kid` it does not
 * hold (the gateway rotated its key) fetches it again, at most once per `minRefreshMs`, so a
 * flood of forged kids cannot hammer the gateway. A failed fetch keeps the last good set.
 */
export class JwksCache {
  private current: JwkSet | undefined;
  private fetchedAt = 0;
  private inFlight: Promise<JwkSet> | undefined;

  constructor(
    private readonly url: string,
    private readonly ttlMs = 300_000,
    private readonly minRefreshMs = 10_000,
    private readonly timeoutMs = 5_000,
  ) {}

  /** A key set holding `kid` if the gateway publishes it; otherwise the latest set known. */
  async forKid(kid: string | undefined): Promise<JwkSet> {
    const age = Date.now() - this.fetchedAt;
    const holds = (set: JwkSet | undefined) => set?.keys.some((k) => k['kid'] === kid) ?? false;
    if (this.current && age < this.ttlMs && holds(this.current)) return this.current;
    if (this.current && age < this.minRefreshMs) return this.current;
    try {
      return await this.refresh();
    } catch (error) {
      if (this.current) return this.current;
      throw error;
    }
  }

  private refresh(): Promise<JwkSet> {
    this.inFlight ??= (async () => {
      try {
        const response = await fetch(this.url, {
          headers: { accept: 'application/json' },
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!response.ok) throw new Error(`gateway JWKS: HTTP ${response.status}`);
        const body = await response.json();
        if (body === null || typeof body !== 'object' || !Array.isArray((body as { keys?: unknown }).keys)) {
          throw new Error('gateway JWKS: not a JWK Set');
        }
        this.current = { keys: (body as JwkSet).keys.filter((k) => k !== null && typeof k === 'object') };
        this.fetchedAt = Date.now();
        return this.current;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
