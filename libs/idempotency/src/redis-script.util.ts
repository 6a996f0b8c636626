import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA-1 (`EVALSHA`), loaded with `EVAL` when Redis does not know it yet. */
export class RedisScript {
  private readonly sha: string;

  constructor(
    private readonly redis: Redis,
    private readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(key: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(this.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.redis.eval(this.source, 1, key, ...args);
    }
  }
}
