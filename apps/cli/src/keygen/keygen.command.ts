import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isAgencyCode } from '@lienthong/contracts';
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { parseAgencyPrivateJwk } from '../common/agency-key-file.js';
import type { CliContext } from '../common/cli-context.js';
import { UsageError } from '../common/cli.exception.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { AGENCY_OPTION } from '../common/credential-options.js';
import { errorMessage } from '../common/error-message.util.js';
import type { Messages } from '../common/i18n/en.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { formatJson } from '../common/output.js';

/** What `keygen` makes: the algorithms an agency key may use, with the key each needs. */
const KEY_ALGORITHMS = {
  ES256: {},
  EdDSA: { crv: 'Ed25519' },
  // 3072 bits: the gateway takes 2048 to 8192, and 3072 is what NIST SP 800-57 asks beyond 2030.
  PS256: { modulusLength: 3072 },
} as const;
type KeyAlgorithm = keyof typeof KEY_ALGORITHMS;

/** Where `keygen` writes, named after the agency. */
export function keyFileNames(agencyId: string): { privateKey: string; publicJwks: string } {
  return { privateKey: `${agencyId}.private.jwk.json`, publicJwks: `${agencyId}.public.jwks.json` };
}

/** `lienthong keygen`: an agency key pair, the private half to a file only its owner reads. */
export const keygenCommand: Command = {
  spec: {
    name: 'keygen',
    summary: 'make an agency key pair: a private key file (0600) and the public JWKS for the operator',
    description: [
      'Generates a key pair on this machine. The private JWK (kid = its RFC 7638 thumbprint, alg,',
      'use sig) goes to DIR/AGENCY.private.jwk.json, created with mode 0600; an existing file is',
      'never overwritten. The public JWK Set goes to DIR/AGENCY.public.jwks.json and to stdout:',
      'that is what the operator registers (agency create --jwks, or agency add-key to rotate).',
      'Nothing is sent anywhere.',
    ].join('\n'),
    arguments: [],
    options: [
      { ...AGENCY_OPTION, description: 'the agency the key is for (names the files)' },
      {
        name: 'alg',
        type: 'string',
        value: 'ES256|EdDSA|PS256',
        description: 'signature algorithm (default ES256)',
      },
      {
        name: 'out',
        type: 'string',
        value: 'DIR',
        description: 'directory to write the two files to (default .)',
      },
      { name: 'json', type: 'boolean', description: 'print the file names, kid and public JWKS as JSON' },
      LANG_OPTION,
    ],
    vi: {
      summary:
        'tạo cặp khóa cho cơ quan: tệp khóa bí mật (quyền 0600) và bộ khóa công khai gửi đơn vị vận hành',
      description: [
        'Tạo cặp khóa ngay trên máy này. Khóa bí mật dạng JWK (kid là dấu vân tay RFC 7638, alg, use sig)',
        'được ghi vào DIR/AGENCY.private.jwk.json với quyền 0600; không bao giờ ghi đè tệp đã có.',
        'Bộ khóa công khai (JWK Set) được ghi vào DIR/AGENCY.public.jwks.json và in ra màn hình:',
        'đó là tệp đơn vị vận hành đăng ký (agency create --jwks, hoặc agency add-key khi thay khóa).',
        'Lệnh không gửi gì ra ngoài.',
      ].join('\n'),
    },
    examples: [
      'lienthong keygen --agency 000.00.00.G99 --out ~/.lienthong',
      'lienthong keygen --agency 000.00.00.G99 --alg EdDSA --out keys > g99.public.jwks.json',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const messages = messagesIn(languageOf(line.string('lang'), ctx.env));
    const m = messages.keygen;
    const agencyId = line.require('agency');
    if (!isAgencyCode(agencyId)) {
      throw new UsageError(messages.agency.notAgencyCode('--agency', agencyId), 'keygen');
    }
    const alg = line.string('alg') ?? 'ES256';
    if (!Object.hasOwn(KEY_ALGORITHMS, alg)) throw new UsageError(m.badAlg(alg), 'keygen');
    const dir = resolve(ctx.cwd, line.string('out') ?? '.');
    const names = keyFileNames(agencyId);
    const privateFile = join(dir, names.privateKey);
    const publicFile = join(dir, names.publicJwks);

    const { privateJwk, publicJwk } = await generate(alg as KeyAlgorithm);
    // The same checks `--key` makes: a key this command writes is one the others accept.
    await parseAgencyPrivateJwk(privateJwk, 'the generated key');
    const jwks = { keys: [publicJwk] };

    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new UsageError(m.cannotWrite(dir, errorMessage(error)), 'keygen');
    }
    // Both names are claimed before either is written, so a refusal leaves nothing half done.
    const privateHandle = await create(privateFile, 0o600, m);
    let publicHandle: FileHandle;
    try {
      publicHandle = await create(publicFile, 0o644, m);
    } catch (error) {
      await privateHandle.close();
      await rm(privateFile, { force: true });
      throw error;
    }
    try {
      await privateHandle.writeFile(`${JSON.stringify(privateJwk, null, 2)}\n`);
      await publicHandle.writeFile(formatJson(jwks));
    } finally {
      await privateHandle.close();
      await publicHandle.close();
    }

    if (line.flag('json')) {
      ctx.stdout(
        formatJson({
          agency: agencyId,
          kid: publicJwk.kid,
          alg,
          privateKeyFile: privateFile,
          publicJwksFile: publicFile,
          jwks,
        }),
      );
      return;
    }
    ctx.stdout(formatJson(jwks));
    ctx.stderr(
      `${m.wrotePrivate(privateFile)}\n${m.wrotePublic(publicFile)}\n${m.kid(publicJwk.kid!, alg)}\n`,
    );
  },
};

async function generate(alg: KeyAlgorithm): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...KEY_ALGORITHMS[alg] });
  const publicMembers = await exportJWK(publicKey);
  // RFC 7638 section 3: the thumbprint covers the required members only, so kid may be added after.
  const kid = await calculateJwkThumbprint(publicMembers, 'sha256');
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' },
    publicJwk: { ...publicMembers, kid, alg, use: 'sig' },
  };
}

/** Opens a new file for writing; an existing one is a usage error, never truncated. */
async function create(file: string, mode: number, m: Messages['keygen']): Promise<FileHandle> {
  try {
    const handle = await open(file, 'wx', mode);
    // open()'s mode passes through the umask; the private key's must be exactly 0600.
    await handle.chmod(mode);
    return handle;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EEXIST')
      throw new UsageError(m.exists(file), 'keygen');
    throw new UsageError(m.cannotWrite(file, errorMessage(error)), 'keygen');
  }
}
