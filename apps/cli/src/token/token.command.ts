import type { CliContext } from '../common/cli-context.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import { openAgencySession, readAgencyCredentials } from '../common/agency-credentials.js';
import { formatJson } from '../common/output.js';

/** `lienthong token`: an access token for scripts (`curl -H "authorization: Bearer $(lienthong token …)"`). */
export const tokenCommand: Command = {
  spec: {
    name: 'token',
    summary: 'get an access token for your agency',
    description: [
      'Discovers the gateway (RFC 8414), signs a single-use client assertion with your private key',
      '(RFC 7523 private_key_jwt) and prints the access token the gateway answers with.',
    ].join('\n'),
    arguments: [],
    options: [
      ...CREDENTIAL_OPTIONS,
      {
        name: 'json',
        type: 'boolean',
        description: 'print the whole token answer (token_type, expires_in) as JSON',
      },
    ],
    examples: [
      'lienthong token --gateway http://127.0.0.1:8080 --agency 000.00.00.G01 --key .lienthong/agencies/000.00.00.G01.private.jwk.json',
      'curl -H "authorization: Bearer $(lienthong token)" …   # with LIENTHONG_GATEWAY, LIENTHONG_AGENCY, LIENTHONG_KEY_FILE set',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const { token } = await openAgencySession(await readAgencyCredentials(line, ctx), ctx);
    ctx.stdout(line.flag('json') ? formatJson(token) : `${token.access_token}\n`);
  },
};
