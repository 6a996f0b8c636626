import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadGatewayConfig } from './gateway-config.js';

describe('loadGatewayConfig', () => {
  it('applies defaults around the required broker list', () => {
    const config = loadGatewayConfig({ KAFKA_BROKERS: 'localhost:9092, kafka-2:9092' });
    expect(config.kafkaBrokers).toEqual(['localhost:9092', 'kafka-2:9092']);
    expect(config.port).toBe(8080);
    expect(config.maxBodyBytes).toBe(1_048_576);
    expect(config.anonymousAgencyId).toBe('000.00.00.A00');
  });

  it('names every wrong variable at once', () => {
    let message = '';
    try {
      loadGatewayConfig({ PORT: 'eighty', MAX_BODY_BYTES: '12', ANONYMOUS_AGENCY_ID: 'bộ công an' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('PORT');
    expect(message).toContain('MAX_BODY_BYTES');
    expect(message).toContain('ANONYMOUS_AGENCY_ID');
  });

  it('refuses a broker entry that is not host:port', () => {
    expect(() => loadGatewayConfig({ KAFKA_BROKERS: 'http://kafka:9092' })).toThrow(/host:port/);
  });
});
