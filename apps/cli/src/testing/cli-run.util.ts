import { runCli } from '../cli.js';
import type { ExitCode } from '../common/cli.exception.js';
import type { ContractGateway } from './contract-gateway.util.js';
import type { AgencyTestKey } from './agency-test-keys.util.js';
import { generateAgencyTestKey } from './agency-test-keys.util.js';
import type { TestContext } from './cli-test-context.util.js';
import { createTestContext } from './cli-test-context.util.js';

export const TEST_AGENCY = '000.00.00.G01';

/** An agency registered with a contract gateway, its key file in the context's directory. */
export interface AgencySetup {
  ctx: TestContext;
  key: AgencyTestKey;
  /** `--gateway … --agency … --key …` for the command line. */
  credentials: string[];
  run(...argv: string[]): Promise<ExitCode>;
}

export async function setUpAgency(
  gateway: ContractGateway,
  alg: 'ES256' | 'EdDSA' = 'ES256',
): Promise<AgencySetup> {
  const key = await generateAgencyTestKey(alg, 'agency-key-1');
  gateway.addAgency(TEST_AGENCY, [key.publicJwk]);
  const ctx = createTestContext({ fetch: gateway.fetch });
  const keyFile = ctx.file('agency.private.jwk.json', JSON.stringify(key.privateJwk));
  const credentials = ['--gateway', gateway.url, '--agency', TEST_AGENCY, '--key', keyFile];
  return { ctx, key, credentials, run: (...argv) => runCli(argv, ctx) };
}
