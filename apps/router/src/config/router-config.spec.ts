import { describe, expect, it } from '@jest/globals';
import { RouterConfigError, loadRouterConfig, maxAttempts } from './router-config.js';

describe('router configuration', () => {
  it('has production defaults: https to public addresses, four retries', () => {
    const config = loadRouterConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
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
    try {
      loadRouterConfig({ KAFKA_BROKERS: '', RETRY_DELAYS_MS: '10,x', RETRY_JITTER: '2' });
    } catch (error) {
      expect((error as Error).message).toMatch(/KAFKA_BROKERS[\s\S]*RETRY_DELAYS_MS[\s\S]*RETRY_JITTER/);
    }
  });

  it('reads LOG_LEVEL (default info) and booleans the way the gateway does', () => {
    const base = { KAFKA_BROKERS: '127.0.0.1:9092' };
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
      RETRY_DELAYS_MS: '',
      RETRY_JITTER: '',
    });
    expect([config.retryDelaysMs, config.retryJitter]).toEqual([[5000, 30000, 300000, 1800000], 0.2]);
  });
});
