import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomAgencyId } from '../../../test/support/agencies.util.js';
import { readCatalogueFixtures } from '../../../test/support/catalogue-fixtures.util.js';
import { runCli } from './cli.js';
import type { RealGatewaySetup } from './testing/real-gateway.util.js';
import { startRealGateway } from './testing/real-gateway.util.js';
import type { TestContext } from './testing/cli-test-context.util.js';
import { createTestContext } from './testing/cli-test-context.util.js';

const TYPE = 'residence.registration';
// The docs say 000.00.00.G99; a fresh code here, as the test broker's registry outlives a run.
const AGENCY = randomAgencyId('G');

/**
 * The onboarding session of docs/cli.md, command for command, against a real gateway: the
 * agency makes its key pair, the operator registers it, and the agency signs in, publishes
 * and subscribes with nothing but its own key file.
 */
describe('onboarding with the CLI alone (docs/cli.md), against a real gateway', () => {
  let g: RealGatewaySetup;
  let agency: TestContext;
  const asAgency = (...argv: string[]) => runCli(argv, agency);

  beforeAll(async () => {
    g = await startRealGateway();
  });
  afterAll(async () => {
    agency?.cleanup();
    await g?.close();
  });

  it('keygen → agency create (operator) → token → publish → subscribe', async () => {
    // 1. The agency makes its key pair (in the operator's scratch directory, for the hand-over).
    expect(await g.run('keygen', '--agency', AGENCY, '--out', 'keys')).toBe(0);
    expect(JSON.parse(g.ctx.out)).toEqual({ keys: [expect.objectContaining({ alg: 'ES256', use: 'sig' })] });

    // 2. The operator registers it with the public JWKS it was handed.
    g.reset();
    const created = await g.run(
      'agency',
      'create',
      '--id',
      AGENCY,
      '--name',
      'Sở Tư pháp thử nghiệm',
      '--roles',
      'publisher,subscriber',
      '--jwks',
      `keys/${AGENCY}.public.jwks.json`,
      '--grant',
      `publish:${TYPE}`,
      '--grant',
      `subscribe:${TYPE}`,
      ...g.operator,
    );
    expect(g.ctx.err).toBe('');
    expect(created).toBe(0);
    expect(g.ctx.out).toContain(`Agency ${AGENCY} created.`);

    // 3. The agency signs in, its settings in the environment.
    agency = createTestContext({
      fetch: globalThis.fetch,
      cwd: g.ctx.cwd,
      env: {
        LIENTHONG_GATEWAY: g.gateway.url,
        LIENTHONG_ISSUER: g.gateway.config.issuer,
        LIENTHONG_AGENCY: AGENCY,
        LIENTHONG_KEY_FILE: `keys/${AGENCY}.private.jwk.json`,
      },
    });
    expect(await asAgency('token')).toBe(0);
    expect(agency.out).toMatch(/^ey\S+\n$/);

    // 4. It publishes a record, signed.
    const record = readCatalogueFixtures().find((f) => f.type === TYPE)!.ok[0];
    agency.file('record.json', JSON.stringify(record, null, 2));
    const published = await asAgency('publish', TYPE, 'record.json', '--sign');
    expect(agency.err).toBe('');
    expect(published).toBe(0);
    expect(JSON.parse(agency.out.slice(agency.out.indexOf('{')))).toMatchObject({
      type: TYPE,
      topic: `lienthong.records.${TYPE}`,
      receipt: expect.any(String),
    });

    // 5. It subscribes: records of the type go to its Kafka inbox.
    const before = agency.out.length;
    expect(await asAgency('subscribe', 'create', '--type', TYPE)).toBe(0);
    expect(agency.out.slice(before)).toContain(`  delivery  kafka lienthong.inbox.${AGENCY}\n`);
    expect(await asAgency('subscribe', 'list')).toBe(0);
    expect(agency.out).toMatch(/\n\S+ +active +kafka lienthong\.inbox\.\S+ +residence\.registration\n/);
    expect(agency.out).toContain(`kafka lienthong.inbox.${AGENCY}`);
  });
});
