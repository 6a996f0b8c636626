import { exportJWK } from 'jose';
import { runCli } from '../cli.js';
import type { ExitCode } from '../common/cli.exception.js';
import type { RunningGateway } from '../../../../test/support/gateway.util.js';
import { startGateway } from '../../../../test/support/gateway.util.js';
import type { TestContext } from './cli-test-context.util.js';
import { createTestContext } from './cli-test-context.util.js';

/** A real gateway (on the test broker) and a scratch directory holding its operator's key file. */
export interface RealGatewaySetup {
  gateway: RunningGateway;
  ctx: TestContext;
  /** `--gateway … --issuer …`: where, for any agency. */
  target: string[];
  /** `--gateway … --agency OPERATOR --key … --issuer …`. */
  operator: string[];
  run(...argv: string[]): Promise<ExitCode>;
  /** A fresh context on the same directory: output cleared, the environment set to `env`. */
  reset(env?: Record<string, string>): void;
  close(): Promise<void>;
}

/**
 * Starts a real gateway for command specs (`env` adds to its configuration). Test gateways
 * have an issuer identifier that is not their URL, so `--issuer` is part of the target.
 */
export async function startRealGateway(env: Record<string, string> = {}): Promise<RealGatewaySetup> {
  // Every command asks for a fresh token, and a spec runs dozens back to back as one agency:
  // the default token limit (10 per second, bursts of 20) would answer some of them 429.
  const gateway = await startGateway({
    RATE_LIMIT_TOKEN_PER_SECOND: '1000',
    RATE_LIMIT_TOKEN_BURST: '1000',
    ...env,
  });
  let ctx = createTestContext({ fetch: globalThis.fetch });
  const dir = ctx.cwd;
  const { operator } = gateway;
  ctx.file(
    'operator.private.jwk.json',
    JSON.stringify({ ...(await exportJWK(operator.privateKey)), kid: operator.kid, alg: 'ES256' }),
  );
  const target = ['--gateway', gateway.url, '--issuer', gateway.config.issuer];
  const setup: RealGatewaySetup = {
    gateway,
    get ctx() {
      return ctx;
    },
    target,
    operator: [...target, '--agency', operator.id, '--key', 'operator.private.jwk.json'],
    run: (...argv) => runCli(argv, ctx),
    reset: (env = {}) => {
      ctx = createTestContext({ fetch: globalThis.fetch, cwd: dir, env });
    },
    close: async () => {
      ctx.cleanup();
      await gateway.close();
    },
  };
  return setup;
}
