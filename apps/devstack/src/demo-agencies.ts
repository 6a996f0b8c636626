import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayKeyring, requestAccessToken } from '@lienthong/trust';
import type { CryptoKey, JWK } from 'jose';
import { exportJWK, generateKeyPair, importJWK } from 'jose';

/** A local agency identity for the demo: its code and private key file (git-ignored). */
export interface DemoAgency {
  id: string;
  name: string;
  roles: string[];
  grants: { publish?: string[]; subscribe?: string[]; 'subscribe-personal-data'?: string[] };
  keyFile: string;
}

export const OPERATOR_ID = '000.00.00.A00';

/** The demo agencies: the owners of the seeded types publish them; Hà Nội subscribes. */
export function demoAgencies(stateDir: string): DemoAgency[] {
  const keyFile = (id: string) => join(stateDir, 'agencies', `${id}.private.jwk.json`);
  return [
    {
      id: '000.00.00.G01',
      name: 'Bộ Công an',
      // Owner of residence.registration: answers citizens' "who received my data?".
      roles: ['publisher', 'integrator', 'data-subject-officer'],
      grants: { publish: ['residence.registration'] },
      keyFile: keyFile('000.00.00.G01'),
    },
    {
      id: '000.00.00.G12',
      name: 'Bộ Tài chính',
      roles: ['publisher', 'integrator'],
      grants: { publish: ['enterprise.registration'] },
      keyFile: keyFile('000.00.00.G12'),
    },
    {
      id: '000.00.00.G22',
      name: 'Văn phòng Chính phủ',
      roles: ['publisher', 'integrator'],
      grants: { publish: ['procedure.dossier-status'] },
      keyFile: keyFile('000.00.00.G22'),
    },
    {
      id: '000.00.00.H29',
      name: 'Ủy ban nhân dân Thành phố Hà Nội',
      roles: ['subscriber'],
      grants: {
        subscribe: ['residence.registration', 'enterprise.registration', 'procedure.dossier-status'],
        // Residence records reach Hà Nội whole, so each delivery is a disclosure (Law 91/2025/QH15).
        'subscribe-personal-data': ['residence.registration'],
      },
      keyFile: keyFile('000.00.00.H29'),
    },
  ];
}

/** Reads a private key file, or creates one (ES256) the first time. Returns the public JWK too. */
export async function ensureAgencyKey(
  file: string,
): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = {
      ...(await exportJWK(privateKey)),
      kid: `k${Date.now().toString(36)}`,
      alg: 'ES256',
      use: 'sig',
    };
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK & { kid: string };
  const privateKey = (await importJWK(jwk, 'ES256')) as CryptoKey;
  const { d: _d, ...publicJwk } = jwk;
  return { kid: jwk.kid, privateKey, publicJwk };
}

/**
 * Signing keys for this machine, created once so receipts and deliveries stay verifiable across
 * restarts: the gateway's (ES256) and the router's webhook key (EdDSA, Standard Webhooks `v1a`).
 */
export async function ensureSigningKeys(file: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<void> {
  if (existsSync(file)) return;
  const keyring = await GatewayKeyring.generate({ alg });
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(await keyring.exportPrivateJwks(), null, 2)}\n`, { mode: 0o600 });
}

/**
 * The disclosure log's subject-hash key for this machine (`DISCLOSURE_SUBJECT_SECRET`), created
 * once: the gateway and the router must share it, and a new one would orphan earlier entries.
 */
export function ensureDisclosureSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Publishes the first example of `type` as `agency` once at start, so the demo subscriber with
 * the personal-data grant receives it and the disclosure log has an entry to look up.
 */
export async function publishDemoRecord(
  url: string,
  token: string,
  type: string,
  record: unknown,
): Promise<void> {
  const response = await fetch(`${url}/v1/messages/${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(record),
  });
  if (response.status !== 202)
    throw new Error(`demo record ${type}: ${response.status} ${await response.text()}`);
}

/** An access token for `agencyId` (client credentials with a private_key_jwt assertion). */
export async function accessToken(
  url: string,
  issuer: string,
  agencyId: string,
  keyFile: string,
): Promise<string> {
  const { kid, privateKey } = await ensureAgencyKey(keyFile);
  const token = await requestAccessToken(`${url}/oauth/token`, {
    agencyId,
    audience: issuer,
    privateKey,
    kid,
    alg: 'ES256',
  });
  return token.access_token;
}

/** Registers the demo agencies through the operator API; an existing one is left as it is. */
export async function registerDemoAgencies(
  url: string,
  operatorToken: string,
  agencies: DemoAgency[],
): Promise<void> {
  for (const agency of agencies) {
    const { publicJwk } = await ensureAgencyKey(agency.keyFile);
    const response = await fetch(`${url}/v1/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify({
        id: agency.id,
        name: agency.name,
        roles: agency.roles,
        jwks: { keys: [publicJwk] },
        grants: agency.grants,
      }),
    });
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`registering ${agency.id}: ${response.status} ${await response.text()}`);
    }
  }
}

/** Why the demo subscriber receives personal data, as its subscription states it. */
export const DEMO_DISCLOSURE_BASIS = {
  purpose: {
    vi: 'Giải quyết thủ tục hành chính về cư trú trên địa bàn Thành phố Hà Nội',
    en: 'Handling residence procedures in Hà Nội',
  },
  legalBasis: 'Luật 91/2025/QH15 Điều 19',
} as const;

/** Gives the demo subscriber one inbox subscription to every type it may read (once). */
export async function ensureInboxSubscription(url: string, token: string, agency: DemoAgency): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const existing = await (await fetch(`${url}/v1/subscriptions`, { headers })).json();
  const list = Array.isArray(existing)
    ? existing
    : ((existing as { subscriptions?: unknown[] }).subscriptions ?? []);
  if (list.length > 0) return;
  const response = await fetch(`${url}/v1/subscriptions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      types: agency.grants.subscribe ?? [],
      delivery: { mode: 'kafka' },
      ...((agency.grants['subscribe-personal-data'] ?? []).length > 0 && DEMO_DISCLOSURE_BASIS),
    }),
  });
  if (response.status !== 201)
    throw new Error(`subscription for ${agency.id}: ${response.status} ${await response.text()}`);
}
