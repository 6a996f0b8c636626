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
});
