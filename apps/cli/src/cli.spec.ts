import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { COMMANDS, runCli } from './cli.js';
import type { TestContext } from './testing/cli-test-context.util.js';
import { createTestContext } from './testing/cli-test-context.util.js';

describe('lienthong', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });
  afterEach(() => ctx.cleanup());

  it('has keygen, token, publish, validate, register-schema, check-compatibility, verify-receipt, audit, disclosures, agency, grant, revoke, subscribe, dead-letters, replay and redrive', () => {
    expect(COMMANDS.map((c) => c.spec.name)).toEqual([
      'keygen',
      'token',
      'publish',
      'validate',
      'register-schema',
      'check-compatibility',
      'verify-receipt',
      'audit',
      'disclosures',
      'agency',
      'grant',
      'revoke',
      'subscribe',
      'dead-letters',
      'replay',
      'redrive',
    ]);
  });

  it('prints the command list and exit codes with --help, on stdout, exit 0', async () => {
    expect(await runCli(['--help'], ctx)).toBe(0);
    expect(ctx.out).toContain('Usage: lienthong <command> [arguments] [options]');
    for (const command of COMMANDS) expect(ctx.out).toContain(`  ${command.spec.name}`);
    expect(ctx.out).toContain('Exit codes: 0 done; 1 refused by the gateway');
    expect(ctx.err).toBe('');
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    expect(await runCli([], ctx)).toBe(2);
    expect(ctx.err).toContain('Usage: lienthong <command>');
    expect(ctx.out).toBe('');
  });

  it.each([[['help', 'publish']], [['publish', '--help']], [['publish', '-h']]])(
    'prints a command help for %j',
    async (argv) => {
      expect(await runCli(argv, ctx)).toBe(0);
      expect(ctx.out).toMatch(/^Usage: lienthong publish TYPE FILE \[options\]/);
    },
  );

  it('exits 2 for an unknown command', async () => {
    expect(await runCli(['pubish'], ctx)).toBe(2);
    expect(ctx.err).toBe(`lienthong: unknown command "pubish"; run 'lienthong --help' for the list\n`);
    expect(await runCli(['help', 'pubish'], ctx)).toBe(2);
  });

  it('exits 2 for a usage error and points at the command help', async () => {
    expect(await runCli(['verify-receipt', '--jwks'], ctx)).toBe(2);
    expect(ctx.err).toBe(
      "lienthong: Option '--jwks <value>' argument missing\nRun 'lienthong verify-receipt --help' for its usage.\n",
    );
  });

  it('exits 3 for anything it did not expect, with what happened', async () => {
    const broken = createTestContext({
      fetch: () => {
        throw new RangeError('boom');
      },
    });
    broken.file('r.jws', 'a.b.c');
    expect(await runCli(['verify-receipt', 'r.jws', '--jwks', 'http://127.0.0.1:9/jwks'], broken)).toBe(3);
    expect(broken.err).toContain('boom');
    broken.cleanup();
  });
});
