import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../cli.js';
import { ContractGateway } from '../testing/contract-gateway.util.js';
import type { AgencySetup } from '../testing/cli-run.util.js';
import { TEST_AGENCY, setUpAgency } from '../testing/cli-run.util.js';
import { createTestContext } from '../testing/cli-test-context.util.js';

describe('lienthong token', () => {
  let gateway: ContractGateway;
  let agency: AgencySetup;

  beforeEach(async () => {
    gateway = await ContractGateway.start();
    agency = await setUpAgency(gateway);
  });
  afterEach(() => agency.ctx.cleanup());

  it('prints the access token alone, ready for $(…)', async () => {
    expect(await agency.run('token', ...agency.credentials)).toBe(0);
    expect(agency.ctx.out).toMatch(/^at-[0-9a-f-]+\n$/);
    expect(agency.ctx.err).toBe('');
  });

  it('prints the whole answer with --json', async () => {
    expect(await agency.run('token', ...agency.credentials, '--json')).toBe(0);
    expect(JSON.parse(agency.ctx.out)).toEqual({
      access_token: expect.stringMatching(/^at-/),
      token_type: 'Bearer',
      expires_in: 300,
    });
  });

  it('takes gateway, agency and key from LIENTHONG_GATEWAY, LIENTHONG_AGENCY, LIENTHONG_KEY_FILE', async () => {
    const ctx = createTestContext({
      fetch: gateway.fetch,
      env: { LIENTHONG_GATEWAY: gateway.url, LIENTHONG_AGENCY: TEST_AGENCY, LIENTHONG_KEY_FILE: 'k.json' },
    });
    ctx.file('k.json', JSON.stringify(agency.key.privateJwk));
    expect(await runCli(['token'], ctx)).toBe(0);
    expect(ctx.out).toMatch(/^at-/);
    ctx.cleanup();
  });

  it('exits 1 with the OAuth error when the gateway refuses the agency', async () => {
    const [, , , , ...rest] = agency.credentials;
    expect(await agency.run('token', '--gateway', gateway.url, '--agency', '000.00.00.G99', ...rest)).toBe(1);
    expect(agency.ctx.err).toBe(
      'lienthong: refused by the gateway: 401 invalid_client\n  No agency is registered under this id.\n',
    );
    expect(agency.ctx.out).toBe('');
  });

  it('exits 2 without sending anything when the agency id or the key is wrong', async () => {
    expect(await agency.run('token', '--gateway', gateway.url, '--agency', 'g.01', '--key', 'x.json')).toBe(
      2,
    );
    expect(agency.ctx.err).toContain('--agency g.01 is not an agency code');
    expect(await agency.run('token', '--gateway', gateway.url, '--agency', TEST_AGENCY)).toBe(2);
    expect(agency.ctx.err).toContain('missing --key FILE (or set LIENTHONG_KEY_FILE)');
    agency.ctx.file('public.json', JSON.stringify(agency.key.publicJwk));
    expect(
      await agency.run('token', '--gateway', gateway.url, '--agency', TEST_AGENCY, '--key', 'public.json'),
    ).toBe(2);
    expect(agency.ctx.err).toContain('key file public.json holds a public key only');
    expect(gateway.requests).toEqual([]);
  });

  it('exits 3 when the gateway cannot be reached', async () => {
    const [, , ...rest] = agency.credentials;
    expect(await agency.run('token', '--gateway', 'http://127.0.0.1:1', ...rest)).toBe(3);
    expect(agency.ctx.err).toMatch(
      /^lienthong: cannot reach http:\/\/127\.0\.0\.1:1\/\.well-known\/oauth-authorization-server: ENOTFOUND\n$/,
    );
  });
});
