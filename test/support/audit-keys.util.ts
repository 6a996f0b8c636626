import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSigner } from '@lienthong/audit';
import { GatewayKeyring } from '@lienthong/trust';

let file: Promise<string> | undefined;

/**
 * One Ed25519 audit key file per test file (AUDIT_SIGNING_KEY_FILE), shared by the gateways
 * and routers it starts, in-process or as child processes, across restarts.
 */
export function sharedAuditKeyFile(): Promise<string> {
  file ??= (async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lienthong-audit-')), 'audit-key.json');
    const keyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
    writeFileSync(path, JSON.stringify(await keyring.exportPrivateJwks()));
    return path;
  })();
  return file;
}

/** The audit key of this test file, for forging events the way a key holder could. */
export async function sharedAuditSigner(): Promise<AuditSigner> {
  return AuditSigner.fromPrivateJwks(readFileSync(await sharedAuditKeyFile(), 'utf8'));
}

/** Public JWKS of the shared audit key (`use: lienthong-audit`), as the gateway publishes it. */
export async function sharedAuditJwks(): Promise<{ keys: Record<string, unknown>[] }> {
  return (await sharedAuditSigner()).publicJwks() as unknown as { keys: Record<string, unknown>[] };
}
