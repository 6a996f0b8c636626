import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayKeyring } from '@lienthong/trust';
import type { GatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import type { GatewayAppOptions } from '../../apps/gateway/src/gateway-app.factory.js';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app.factory.js';
import type { TestAgency } from './agencies.util.js';
import { agencyKeyPair, asTestAgency, fetchToken, randomAgencyId } from './agencies.util.js';
import { sharedAuditKeyFile } from './audit-keys.util.js';

export interface CreateAgencyOptions {
  id?: string;
  name?: string;
  roles?: ('publisher' | 'subscriber' | 'integrator' | 'operator' | 'data-subject-officer')[];
  grants?: { publish?: string[]; subscribe?: string[]; 'subscribe-personal-data'?: string[] };
}

export interface RunningGateway {
  app: NestFastifyApplication;
  config: GatewayConfig;
  url: string;
  /** The bootstrap operator, with a token. */
  operator: TestAgency;
  /** Creates an agency through the operator API and fetches its token. */
  createAgency(options?: CreateAgencyOptions): Promise<TestAgency>;
  /** A publisher and integrator granted every type seeded from `schemas/`. */
  publisher(): Promise<TestAgency>;
  close(): Promise<void>;
}

/** Shared by every gateway a test file starts, so replicas verify each other's tokens. */
const TEST_ISSUER = 'urn:lienthong:test-gateway';
const OPERATOR_ID = '000.00.00.A00';
let shared:
  Promise<{ keysFile: string; operatorKeys: Awaited<ReturnType<typeof agencyKeyPair>> }> | undefined;

function sharedTrust() {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-test-'));
    const keysFile = join(dir, 'gateway-keys.json');
    const keyring = await GatewayKeyring.generate();
    writeFileSync(keysFile, JSON.stringify(await keyring.exportPrivateJwks()));
    return { keysFile, operatorKeys: await agencyKeyPair() };
  })();
  return shared;
}

/**
 * Starts a real gateway on a free loopback port against the test broker (KAFKA_BROKERS); errors
 * only in the logs unless `appOptions` says otherwise (e.g. a `logDestination` to capture them).
 */
export async function startGateway(
  env: Record<string, string> = {},
  appOptions: GatewayAppOptions = { logger: ['error'] },
): Promise<RunningGateway> {
  const { keysFile, operatorKeys } = await sharedTrust();
  const config = loadGatewayConfig({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_ISSUER: TEST_ISSUER,
    GATEWAY_SIGNING_KEYS_FILE: keysFile,
    AUDIT_SIGNING_KEY_FILE: await sharedAuditKeyFile(),
    BOOTSTRAP_OPERATOR_ID: OPERATOR_ID,
    BOOTSTRAP_OPERATOR_JWKS: JSON.stringify({ keys: [operatorKeys.publicJwk] }),
    DISCLOSURE_SUBJECT_SECRET: TEST_DISCLOSURE_SECRET,
    ...env,
  });
  const app = await createGatewayApp(config, appOptions);
  await app.listen({ host: config.host, port: 0 });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('gateway did not bind a TCP port');
  const url = `http://127.0.0.1:${address.port}`;
  const operator = asTestAgency(
    OPERATOR_ID,
    operatorKeys,
    await fetchToken(url, config.issuer, { id: OPERATOR_ID, ...operatorKeys }),
  );

  const createAgency = async (options: CreateAgencyOptions = {}): Promise<TestAgency> => {
    const keys = await agencyKeyPair();
    const id = options.id ?? randomAgencyId();
    const response = await fetch(`${url}/v1/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operator.auth() },
      body: JSON.stringify({
        id,
        name: options.name ?? `Cơ quan thử nghiệm ${id}`,
        roles: options.roles ?? ['publisher'],
        jwks: { keys: [keys.publicJwk] },
        grants: options.grants ?? {},
      }),
    });
    if (response.status !== 201)
      throw new Error(`create agency ${id}: ${response.status} ${await response.text()}`);
    return asTestAgency(id, keys, await fetchToken(url, config.issuer, { id, ...keys }));
  };

  let publisher: Promise<TestAgency> | undefined;
  return {
    app,
    config,
    url,
    operator,
    createAgency,
    publisher: () =>
      (publisher ??= (async () => {
        const types = (await fetch(`${url}/v1/schemas`, { headers: operator.auth() }).then((r) =>
          r.json(),
        )) as { type: string }[] | { types: { type: string }[] };
        const list = Array.isArray(types) ? types : types.types;
        return createAgency({
          roles: ['publisher', 'integrator', 'subscriber'],
          grants: { publish: list.map((t) => t.type), subscribe: list.map((t) => t.type) },
        });
      })()),
    close: () => app.close(),
  };
}

/** The subject-hash key gateways and routers of the tests share (`DISCLOSURE_SUBJECT_SECRET`). */
export const TEST_DISCLOSURE_SECRET = 'test-disclosure-subject-secret-0123456789';

/** Purpose and legal basis a subscription receiving personal data must state (Law 91/2025/QH15). */
export const TEST_DISCLOSURE_BASIS = {
  purpose: { vi: 'Kiểm thử liên thông dữ liệu', en: 'Integration testing' },
  legalBasis: 'Luật 91/2025/QH15 Điều 19',
} as const;
