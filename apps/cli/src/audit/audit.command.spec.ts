import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../cli.js';
import type { TestContext } from '../testing/cli-test-context.util.js';
import { createTestContext } from '../testing/cli-test-context.util.js';

describe('lienthong audit (command line; the topic itself: test/integration/audit-tampering)', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });
  afterEach(() => ctx.cleanup());

  it.each([
    [['audit', 'rewrite', '--brokers', '127.0.0.1:9092'], /audit takes verify or checkpoints/],
    [['audit', 'verify'], /missing --brokers HOST:PORT,\.\.\. \(or set KAFKA_BROKERS\)/],
    [['audit', 'verify', '--brokers', 'not a broker'], /--brokers must list HOST:PORT pairs/],
    [['audit', 'verify', '--brokers', '127.0.0.1:9092', '--since', 'yesterday'], /is not an ISO 8601 time/],
    [['audit', 'verify', '--brokers', '127.0.0.1:9092'], /missing --jwks URL_OR_FILE/],
    [['audit'], /audit takes ACTION; got none/],
  ])('refuses %j as a usage error (exit 2), nothing read', async (argv, message) => {
    expect(await runCli(argv, ctx)).toBe(2);
    expect(ctx.err).toMatch(message);
    expect(ctx.out).toBe('');
  });

  it('explains itself in --help, in both languages', async () => {
    expect(await runCli(['audit', '--help'], ctx)).toBe(0);
    expect(ctx.out).toContain('Usage: lienthong audit ACTION [options]');
    expect(ctx.out).toContain('--checkpoints FILE');
    expect(ctx.out).toContain('tiếng Việt');
  });
});
