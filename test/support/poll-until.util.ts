export interface PollOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. Default: 50 ms. */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Calls `fn` until it returns something other than `undefined`, `null` or `false`, and resolves
 * with that value. An attempt that throws (e.g. a failing `expect`) counts as "not yet". After
 * `timeoutMs` it rejects with the last error thrown, if any. Use it to assert asynchronous
 * outcomes with a deadline instead of sleeping for a fixed time.
 */
export async function pollUntil<T>(
  fn: () => T | Promise<T>,
  options: PollOptions,
): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs, intervalMs = 50, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      if (lastError instanceof Error) {
        lastError.message = `${description} not met within ${timeoutMs} ms (${attempts} attempts): ${lastError.message}`;
        throw lastError;
      }
      throw new Error(`${description} not met within ${timeoutMs} ms (${attempts} attempts)`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}
