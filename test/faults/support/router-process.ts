import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayKeyring } from '@lienthong/trust';
import { pollUntil } from '../../support/poll-until.util.js';
import { freePort } from '../../support/free-port.util.js';
import { sharedAuditKeyFile } from '../../support/audit-keys.util.js';
import { builtMain } from '../../support/test-build.util.js';

/** The built router (`node <build>/apps/router/src/main.js`) running as a child process, as in production. */
export interface RouterProcess {
  process: ChildProcess;
  /** Health and metrics. */
  url: string;
  /** Everything it wrote to stdout and stderr. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (graceful shutdown). */
  stop(): Promise<void>;
}

let webhookKeyFile: Promise<string> | undefined;

/** One Ed25519 webhook signing key per test file (WEBHOOK_SIGNING_KEY_FILE), kept across restarts. */
function webhookSigningKeyFile(): Promise<string> {
  webhookKeyFile ??= (async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lienthong-router-faults-')), 'webhook-key.json');
    const keyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
    writeFileSync(file, JSON.stringify(await keyring.exportPrivateJwks()));
    return file;
  })();
  return webhookKeyFile;
}

/**
 * Spawns the router from the test build (test-build.util.ts) with the variables its configuration
 * reads (apps/router/src/config/router-config.ts) and waits until `/health/ready` answers 200:
 * Kafka reachable, registry replica caught up, record consumer in its group. Loopback webhooks
 * and plain http are allowed; `env` overrides anything.
 */
export async function spawnRouter(options: {
  gatewaySigningKeysFile: string;
  consumerGroup: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<RouterProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [builtMain('router')], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(port),
      ROUTER_CONSUMER_GROUP: options.consumerGroup,
      GATEWAY_SIGNING_KEYS_FILE: options.gatewaySigningKeysFile,
      WEBHOOK_SIGNING_KEY_FILE: await webhookSigningKeyFile(),
      AUDIT_SIGNING_KEY_FILE: await sharedAuditKeyFile(),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      ROUTER_TOPIC_REFRESH_MS: '500',
      KEY_PSEUDONYM_SECRET: 'fault-test-key-pseudonym-secret-of-32+chars',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${port}`;
  const running: RouterProcess = {
    process: child,
    url,
    output,
    exited,
    kill: async () => {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!gone()) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await pollUntil(
      async () => {
        if (gone()) throw new Error(`router exited: ${output.join('')}`);
        return (await fetch(`${url}/health/ready`)).status === 200;
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 120_000,
        intervalMs: 250,
        description: 'child router ready',
      },
    );
  } catch (error) {
    await running.kill();
    throw error;
  }
  return running;
}
