import { describe, expect, it } from '@jest/globals';
import { SubscriberConfigError, loadSubscriberConfig } from './subscriber-config.js';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SUBSCRIBER_AGENCY: '000.00.00.H29',
  GATEWAY_JWKS_URL: 'https://gateway.example/.well-known/jwks.json',
};

describe('subscriber demo configuration', () => {
  it('has defaults around the three required variables', () => {
    expect(loadSubscriberConfig(BASE)).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      agency: '000.00.00.H29',
      groupId: 'lienthong-subscriber-000.00.00.H29',
      jwksCacheMs: 300_000,
      logLevel: 'info',
    });
    expect(loadSubscriberConfig({ ...BASE, JWKS_CACHE_SECONDS: '0', LOG_LEVEL: 'warn' })).toMatchObject({
      jwksCacheMs: 0,
      logLevel: 'warn',
    });
  });

  it('names every wrong variable at once', () => {
    let message = '';
    try {
      loadSubscriberConfig({
        KAFKA_BROKERS: 'nohost',
        SUBSCRIBER_AGENCY: 'h29',
        GATEWAY_JWKS_URL: 'https://user:pw@gateway.example/jwks',
        JWKS_CACHE_SECONDS: '-1',
        PUBLISHER_JWKS: '[]',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(SubscriberConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid configuration:\n/);
    for (const expected of [
      'KAFKA_BROKERS entry "nohost" must be host:port',
      'SUBSCRIBER_AGENCY must be an agency code',
      'GATEWAY_JWKS_URL must be an http(s) URL without credentials',
      'JWKS_CACHE_SECONDS must be an integer between 0 and 86400 (got "-1")',
      'PUBLISHER_JWKS must be',
      'LOG_LEVEL must be one of',
    ]) {
      expect(message).toContain(expected);
    }
  });
});
