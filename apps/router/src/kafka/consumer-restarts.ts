import type { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';

/** Waits before a consumer that stopped for good is replaced: 1 s, doubling up to 30 s. */
const RESTART_DELAYS_MS = { first: 1_000, max: 30_000 };

/**
 * kafkajs gives up on a consumer after an error it does not retry (a write refused as too large,
 * an authorisation error): nothing would be consumed any more, and nothing would say so. This
 * notices it (CRASH without restart), keeps the error for readiness checks, logs it, and calls
 * `replace` after a growing delay; a replacement that fails is tried again the same way. The
 * replacement resumes from the group's committed offsets, so nothing is skipped.
 */
export class ConsumerRestarts {
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stoppedBy: string | undefined;
  private cancelled = false;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly replace: () => Promise<void>,
  ) {}

  /** The error that stopped the current consumer, until a replacement has joined its group. */
  get error(): string | undefined {
    return this.stoppedBy;
  }

  /** Watches a new consumer; `isCurrent` tells a consumer already replaced from the current one. */
  watch(consumer: Consumer, isCurrent: () => boolean): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (isCurrent()) this.stoppedBy = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.cancelled || !isCurrent()) return;
      this.failed(payload.error);
    });
  }

  /** A batch was handled: the next failure starts again from the shortest delay. */
  succeeded(): void {
    this.failures = 0;
  }

  /** At shutdown: no replacement any more. */
  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }

  private failed(error: Error): void {
    this.failures += 1;
    const delay = Math.min(RESTART_DELAYS_MS.max, RESTART_DELAYS_MS.first * 2 ** (this.failures - 1));
    this.stoppedBy = `${error.name}: ${error.message}`;
    this.logger.error(`${this.what} stopped (${this.stoppedBy}); replacing it in ${delay} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.cancelled) return;
      this.replace().catch((replaceError: unknown) =>
        this.failed(replaceError instanceof Error ? replaceError : new Error(String(replaceError))),
      );
    }, delay);
    this.timer.unref();
  }
}
