import { checkMessageType, openAgencySession, readAgencyCredentials } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { readInputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import { formatJson } from '../common/output.js';
import { registrationFromFile } from './schema-registration-file.js';

/** `lienthong register-schema TYPE FILE`: a new version of a type's schema. */
export const registerSchemaCommand: Command = {
  spec: {
    name: 'register-schema',
    summary: 'register a JSON Schema as the next version of a message type',
    description: [
      'Registers FILE as the next version of TYPE (POST /v1/schemas/TYPE/versions) and prints',
      '{type, version, id, created}. FILE is either a registration {"schema", "metadata"} or a JSON',
      'Schema with x-lienthong-* keywords, as in schemas/TYPE/v1.schema.json; its examples must',
      'validate. Registering the same schema again answers the existing version (created: false).',
      'Needs the integrator role; a new version of an existing type only from its owner agency.',
    ].join('\n'),
    arguments: [
      { name: 'TYPE', description: 'message type, e.g. residence.registration' },
      { name: 'FILE', description: 'the registration or the annotated JSON Schema' },
    ],
    options: CREDENTIAL_OPTIONS,
    examples: [
      'lienthong register-schema residence.registration schemas/residence.registration/v2.schema.json',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const type = checkMessageType(line.argument('TYPE'));
    const file = line.argument('FILE');
    const credentials = await readAgencyCredentials(line, ctx);
    const request = await registrationFromFile(await readInputFile(ctx, file, 'schema file'), file, type);

    const session = await openAgencySession(credentials, ctx);
    const answer = await session.client.postJson(`/v1/schemas/${type}/versions`, request.body, {
      authorization: `Bearer ${session.token.access_token}`,
    });
    ctx.stdout(formatJson(answer.body));
    const version = answer.body['version'];
    if (request.fileVersion !== undefined && typeof version === 'number' && version !== request.fileVersion) {
      ctx.stderr(
        `note: the registry numbered this version ${version}; ${file} says x-lienthong-version ${request.fileVersion}\n`,
      );
    }
  },
};
