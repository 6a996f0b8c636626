import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadGatewayConfig } from './gateway-config.js';

describe('loadGatewayConfig', () => {
  it('applies defaults around the required broker list', () => {
    const config = loadGatewayConfig({ KAFKA_BROKERS: 'localhost:9092, kafka-2:9092' });
    expect(config.kafkaBrokers).toEqual(['localhost:9092', 'kafka-2:9092']);
    expect(config.port).toBe(8080);
    expect(config.maxBodyBytes).toBe(1_048_576);
    expect(config.bootstrapOperatorId).toBe('000.00.00.A00');
    expect(config.accessTokenTtlSeconds).toBe(300);
    expect(config.redisUrl).toBeUndefined();
    expect(config.webhookAllowPrivateNetworks).toBe(false);
  });

  it('allows private webhook destinations only when WEBHOOK_ALLOW_PRIVATE_NETWORKS is true', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(
      loadGatewayConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhookAllowPrivateNetworks,
    ).toBe(true);
    expect(
      loadGatewayConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).webhookAllowPrivateNetworks,
    ).toBe(false);
    expect(
      loadGatewayConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1' }).webhookAllowPrivateNetworks,
    ).toBe(true);
    expect(() => loadGatewayConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false/,
    );
  });

  it('reads LOG_LEVEL (default info) and refuses an unknown level', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(loadGatewayConfig(base).logLevel).toBe('info');
    expect(loadGatewayConfig({ ...base, LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(() => loadGatewayConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
  });

  it('names every wrong variable at once', () => {
    let message = '';
    try {
      loadGatewayConfig({
        PORT: 'eighty',
        MAX_BODY_BYTES: '12',
        BOOTSTRAP_OPERATOR_ID: 'bộ công an',
        REDIS_URL: 'http://x',
        ACCESS_TOKEN_TTL_SECONDS: '3600',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('PORT');
    expect(message).toContain('MAX_BODY_BYTES');
    expect(message).toContain('BOOTSTRAP_OPERATOR_ID');
    expect(message).toContain('REDIS_URL');
    expect(message).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });

  it('reads the rate limits within the bounds an override must keep, a burst of at least one second', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(loadGatewayConfig(base).rateLimits).toEqual({
      token: { ratePerSecond: 10, burst: 20 },
      publish: { ratePerSecond: 1_000, burst: 2_000 },
    });
    expect(() => loadGatewayConfig({ ...base, RATE_LIMIT_TOKEN_PER_SECOND: '50' })).toThrow(
      /RATE_LIMIT_TOKEN_BURST \(20\) must be at least RATE_LIMIT_TOKEN_PER_SECOND \(50\)/,
    );
    expect(() => loadGatewayConfig({ ...base, RATE_LIMIT_PUBLISH_BURST: '499' })).toThrow(
      /RATE_LIMIT_PUBLISH_BURST must be an integer between 500 and 100000000/,
    );
    expect(
      loadGatewayConfig({ ...base, RATE_LIMIT_TOKEN_PER_SECOND: '50', RATE_LIMIT_TOKEN_BURST: '50' })
        .rateLimits.token,
    ).toEqual({ ratePerSecond: 50, burst: 50 });
  });

  it('refuses a broker entry that is not host:port', () => {
    expect(() => loadGatewayConfig({ KAFKA_BROKERS: 'http://kafka:9092' })).toThrow(/host:port/);
  });

  it('reads the public Kafka server of the AsyncAPI document, host:port only', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(loadGatewayConfig(base).asyncApiKafkaServer).toBeUndefined();
    expect(
      loadGatewayConfig({ ...base, ASYNCAPI_KAFKA_SERVER: 'kafka.lienthong.example.gov.vn:9093' })
        .asyncApiKafkaServer,
    ).toBe('kafka.lienthong.example.gov.vn:9093');
    expect(() => loadGatewayConfig({ ...base, ASYNCAPI_KAFKA_SERVER: 'kafka://x' })).toThrow(
      /ASYNCAPI_KAFKA_SERVER must be host:port/,
    );
  });
});
