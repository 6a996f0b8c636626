import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterConfigError, loadRouterConfig, maxAttempts } from './router-config.js';

const SECRET = 'a-router-key-pseudonym-secret-of-32+chars';

describe('router configuration', () => {
  it('has production defaults: https to public addresses, four retries', () => {
    const config = loadRouterConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KEY_PSEUDONYM_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 8081,
      consumerGroup: 'lienthong-router',
      webhookAllowPrivateNetworks: false,
      retryDelaysMs: [5000, 30000, 300000, 1800000],
    });
    expect(maxAttempts(config)).toBe(5);
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadRouterConfig({
        KAFKA_BROKERS: '',
        RETRY_DELAYS_MS: '10,x',
        RETRY_JITTER: '2',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe',
      }),
    ).toThrow(RouterConfigError);
    expect(() => loadRouterConfig({ KAFKA_BROKERS: '', RETRY_DELAYS_MS: '10,x', RETRY_JITTER: '2' })).toThrow(
      /KAFKA_BROKERS[\s\S]*RETRY_DELAYS_MS[\s\S]*RETRY_JITTER/,
    );
  });

  it('reads LOG_LEVEL (default info) and booleans the way the gateway does', () => {
    const base = { KAFKA_BROKERS: '127.0.0.1:9092', KEY_PSEUDONYM_SECRET: SECRET };
    expect(loadRouterConfig(base).logLevel).toBe('info');
    expect(loadRouterConfig({ ...base, LOG_LEVEL: 'Debug' }).logLevel).toBe('debug');
    expect(() => loadRouterConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
    for (const [raw, value] of [
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      expect(
        loadRouterConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: raw }).webhookAllowPrivateNetworks,
      ).toBe(value);
    }
  });

  it('takes the default retry delays and jitter when the variables are empty', () => {
    const config = loadRouterConfig({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KEY_PSEUDONYM_SECRET: SECRET,
      RETRY_DELAYS_MS: '',
      RETRY_JITTER: '',
    });
    expect([config.retryDelaysMs, config.retryJitter]).toEqual([[5000, 30000, 300000, 1800000], 0.2]);
  });

  it('refuses to start without an explicit KEY_PSEUDONYM_SECRET of 32+ characters, or with two', () => {
    const brokers = { KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(() => loadRouterConfig(brokers)).toThrow(
      /KEY_PSEUDONYM_SECRET \(or KEY_PSEUDONYM_SECRET_FILE\) must be set/,
    );
    expect(() => loadRouterConfig({ ...brokers, KEY_PSEUDONYM_SECRET: 'short' })).toThrow(
      /KEY_PSEUDONYM_SECRET must be at least 32 characters/,
    );
    expect(() =>
      loadRouterConfig({ ...brokers, KEY_PSEUDONYM_SECRET: SECRET, KEY_PSEUDONYM_SECRET_FILE: '/x' }),
    ).toThrow(/not both/);
    expect(loadRouterConfig({ ...brokers, KEY_PSEUDONYM_SECRET: SECRET }).keyPseudonymSecret).toBe(SECRET);
  });

  it('reads the secret from KEY_PSEUDONYM_SECRET_FILE at boot, trimmed, and refuses a short one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-config-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`);
    const load = (path: string) =>
      loadRouterConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KEY_PSEUDONYM_SECRET_FILE: path });
    expect(load(file).keyPseudonymSecret).toBe(SECRET);
    writeFileSync(file, 'short\n');
    expect(() => load(file)).toThrow(/KEY_PSEUDONYM_SECRET_FILE must hold at least 32 characters/);
    expect(() => load(join(dir, 'missing'))).toThrow(/KEY_PSEUDONYM_SECRET_FILE cannot be read/);
    // The secret is never part of a refusal.
    writeFileSync(file, 'short-but-secret\n');
    expect(() => load(file)).not.toThrow(/short-but-secret/);
  });
});
