import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaHandle } from '@lienthong/local-kafka';
import { startKafka } from '@lienthong/local-kafka';
import {
  OPERATOR_ID,
  accessToken,
  demoAgencies,
  ensureAgencyKey,
  ensureDisclosureSecret,
  ensureSigningKeys,
  ensureInboxSubscription,
  publishDemoRecord,
  registerDemoAgencies,
} from './demo-agencies.js';

/**
 * `npm start`: everything Lienthong needs on one machine. Provisions Kafka (unless
 * KAFKA_BROKERS names one), starts the gateway as its own process, waits until it is ready, and
 * prints how to publish a record. Ctrl-C stops everything it started.
 */
const DIST_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const STATE_DIR = resolve('.lienthong');

const children: ChildProcess[] = [];
let kafka: KafkaHandle | undefined;
let stopping = false;

async function main(): Promise<void> {
  const port = process.env['PORT'] ?? '8080';
  const fresh = process.argv.includes('--fresh');
  const kafkaDir = join(STATE_DIR, 'kafka');
  if (fresh) {
    // A clean start: the broker's data and the demo state that goes with it (keys, secrets).
    rmSync(STATE_DIR, { recursive: true, force: true });
  }
  const reused = existsSync(join(kafkaDir, 'logs', 'meta.properties'));
  log('provisioning Kafka…');
  kafka = await startKafka({ dataDir: kafkaDir });
  log(`Kafka (${kafka.mode}) at ${kafka.brokers.join(',')}`);
  if (kafka.mode === 'local-jars') {
    log(
      reused
        ? `kept the data of the last run (${kafkaDir}): registry, topics and records as they were; npm start -- --fresh starts clean`
        : `new Kafka data in ${kafkaDir}, kept for the next npm start (npm start -- --fresh starts clean)`,
    );
  }

  const url = `http://127.0.0.1:${port}`;
  const keysFile = join(STATE_DIR, 'gateway-keys.json');
  await ensureSigningKeys(keysFile);
  const webhookKeyFile = join(STATE_DIR, 'webhook-key.json');
  await ensureSigningKeys(webhookKeyFile, 'EdDSA');
  // One audit key for the gateway and the router: the gateway JWKS publishes it for both.
  const auditKeyFile = join(STATE_DIR, 'audit-key.json');
  await ensureSigningKeys(auditKeyFile, 'EdDSA');
  const routerPort = process.env['ROUTER_PORT'] ?? '8081';
  const pseudonymSecret = pseudonymSecretEnv(join(STATE_DIR, 'key-pseudonym-secret'));
  const operatorKeyFile = join(STATE_DIR, 'agencies', `${OPERATOR_ID}.private.jwk.json`);
  const operator = await ensureAgencyKey(operatorKeyFile);
  const disclosureSecret =
    process.env['DISCLOSURE_SUBJECT_SECRET'] ??
    ensureDisclosureSecret(join(STATE_DIR, 'disclosure-subject-secret'));
  const gateway = spawn(process.execPath, [join(DIST_ROOT, 'apps/gateway/src/main.js')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafka.brokers.join(','),
      PORT: port,
      GATEWAY_ISSUER: process.env['GATEWAY_ISSUER'] ?? url,
      GATEWAY_SIGNING_KEYS_FILE: process.env['GATEWAY_SIGNING_KEYS_FILE'] ?? keysFile,
      WEBHOOK_SIGNING_KEY_FILE: process.env['WEBHOOK_SIGNING_KEY_FILE'] ?? webhookKeyFile,
      AUDIT_SIGNING_KEY_FILE: process.env['AUDIT_SIGNING_KEY_FILE'] ?? auditKeyFile,
      BOOTSTRAP_OPERATOR_ID: OPERATOR_ID,
      BOOTSTRAP_OPERATOR_JWKS: JSON.stringify({ keys: [operator.publicJwk] }),
      DISCLOSURE_SUBJECT_SECRET: disclosureSecret,
    },
    stdio: 'inherit',
  });
  children.push(gateway);
  gateway.on('exit', (code, signal) => {
    if (!stopping) {
      log(`gateway exited (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });

  await waitForReady(`${url}/health/ready`, 120_000);
  const router = spawn(process.execPath, [join(DIST_ROOT, 'apps/router/src/main.js')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafka.brokers.join(','),
      ROUTER_PORT: routerPort,
      ...pseudonymSecret,
      DISCLOSURE_SUBJECT_SECRET: disclosureSecret,
      GATEWAY_SIGNING_KEYS_FILE: process.env['GATEWAY_SIGNING_KEYS_FILE'] ?? keysFile,
      WEBHOOK_SIGNING_KEY_FILE: process.env['WEBHOOK_SIGNING_KEY_FILE'] ?? webhookKeyFile,
      AUDIT_SIGNING_KEY_FILE: process.env['AUDIT_SIGNING_KEY_FILE'] ?? auditKeyFile,
    },
    stdio: 'inherit',
  });
  children.push(router);
  router.on('exit', (code, signal) => {
    if (!stopping) {
      log(`router exited (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });
  await waitForReady(`http://127.0.0.1:${routerPort}/health/ready`, 120_000);
  const issuer = process.env['GATEWAY_ISSUER'] ?? url;
  const agencies = demoAgencies(STATE_DIR);
  await registerDemoAgencies(url, await accessToken(url, issuer, OPERATOR_ID, operatorKeyFile), agencies);
  const subscriber = agencies.find((a) => a.roles.includes('subscriber'))!;
  await ensureInboxSubscription(
    url,
    await accessToken(url, issuer, subscriber.id, subscriber.keyFile),
    subscriber,
  );
  const demo = spawn(process.execPath, [join(DIST_ROOT, 'apps/subscriber-demo/src/main.js')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafka.brokers.join(','),
      SUBSCRIBER_AGENCY: subscriber.id,
      GATEWAY_JWKS_URL: `${url}/.well-known/jwks.json`,
    },
    stdio: 'inherit',
  });
  children.push(demo);
  const publisher = agencies[0]!;
  const publisherToken = await accessToken(url, issuer, publisher.id, publisher.keyFile);
  const demoCitizen = residenceExample();
  // Hà Nội receives residence records whole: this delivery is the demo's first disclosure.
  await publishDemoRecord(url, publisherToken, 'residence.registration', demoCitizen);
  printWelcome(url, `http://127.0.0.1:${routerPort}`, publisherToken, publisher.id, demoCitizen.citizenId);
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gateway was not ready within ${timeoutMs / 1000}s (${url})`);
}

/** The first example record of residence.registration: the demo citizen. */
function residenceExample(): { citizenId: string } & Record<string, unknown> {
  const schema = JSON.parse(
    readFileSync(join('schemas', 'residence.registration', 'v1.schema.json'), 'utf8'),
  ) as {
    examples: ({ citizenId: string } & Record<string, unknown>)[];
  };
  return schema.examples[0]!;
}

function printWelcome(
  url: string,
  routerUrl: string,
  token: string,
  publisherId: string,
  citizenId: string,
): void {
  mkdirSync(join(STATE_DIR, 'examples'), { recursive: true });
  const lines = [
    '',
    `Lienthong gateway: ${url}`,
    `  publish:   POST ${url}/v1/messages/{type}`,
    `  liveness:  ${url}/health/live`,
    `  readiness: ${url}/health/ready`,
    `  schemas:   ${url}/v1/schemas · AsyncAPI ${url}/asyncapi.json`,
    `  JWKS:      ${url}/.well-known/jwks.json · OAuth metadata ${url}/.well-known/oauth-authorization-server`,
    `  metrics:   ${url}/metrics`,
    `Lienthong router: ${routerUrl} (health ${routerUrl}/health/ready, metrics ${routerUrl}/metrics)`,
    'Subscriber demo: 000.00.00.H29 reads its inbox lienthong.inbox.000.00.00.H29 and logs each record it verified.',
    '',
    `Demo agencies (private keys in ${join('.lienthong', 'agencies')}/, git-ignored): operator ${OPERATOR_ID}, ` +
      demoAgencies(STATE_DIR)
        .map((a) => `${a.id} ${a.name}`)
        .join(', '),
    '',
    `Publish an example record as ${publisherId} (ready to paste; the token is valid for a few minutes):`,
    `  TOKEN=${token}`,
  ];
  for (const type of readdirSync('schemas').sort()) {
    const schema = JSON.parse(readFileSync(join('schemas', type, 'v1.schema.json'), 'utf8')) as {
      examples?: unknown[];
    };
    const example = schema.examples?.[0];
    if (example === undefined) continue;
    const file = join('.lienthong', 'examples', `${type}.json`);
    writeFileSync(file, `${JSON.stringify(example, null, 2)}\n`);
    if (type === 'residence.registration') {
      lines.push(
        `  curl -sS -X POST ${url}/v1/messages/${type} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' --data-binary @${file}`,
      );
    }
  }
  const cli = `npx lienthong`;
  const who = `--gateway ${url} --agency ${publisherId} --key ${join('.lienthong', 'agencies', `${publisherId}.private.jwk.json`)}`;
  lines.push(
    '',
    'The lienthong command line (docs/cli.md):',
    `  ${cli} token ${who}`,
    `  ${cli} publish residence.registration .lienthong/examples/residence.registration.json ${who} --sign --receipt-out .lienthong/receipt.jws`,
    `  ${cli} verify-receipt .lienthong/receipt.jws --jwks ${url}/.well-known/jwks.json --body .lienthong/examples/residence.registration.json`,
    `  ${cli} register-schema residence.registration schemas/residence.registration/v1.schema.json ${who}`,
    '',
    `Who received data about the demo citizen ${citizenId} (Law 91/2025/QH15; ${publisherId} owns residence.registration and holds data-subject-officer; docs/disclosures.md):`,
    `  curl -sS -D - ${url}/v1/data-subjects/${citizenId}/disclosures -H "authorization: Bearer $TOKEN"`,
    `  ${cli} disclosures ${citizenId} ${who}`,
    '',
    'Ctrl-C stops the gateway, the router, the subscriber demo and the Kafka broker started here.',
    '',
  );

  process.stdout.write(`${lines.join('\n')}\n`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  await kafka?.stop().catch((error: unknown) => log(`Kafka stop failed: ${String(error)}`));
  process.exit(code);
}

function log(message: string): void {
  process.stdout.write(`[lienthong] ${message}\n`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});

/**
 * The router's KEY_PSEUDONYM_SECRET: as set, or a dev secret generated once into the state
 * directory, so the pseudonyms of older subscriptions stay the same from one `npm start` to the
 * next.
 */
function pseudonymSecretEnv(file: string): Record<string, string> {
  if (process.env['KEY_PSEUDONYM_SECRET'] || process.env['KEY_PSEUDONYM_SECRET_FILE']) return {};
  if (!existsSync(file)) {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { KEY_PSEUDONYM_SECRET_FILE: file };
}
