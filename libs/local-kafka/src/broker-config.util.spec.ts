import { describe, expect, it } from '@jest/globals';

import {
  buildLog4j2Properties,
  buildServerProperties,
  escapePropertyValue,
  randomClusterId,
} from './broker-config.util.js';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as [string, string];
      }),
  );
}

describe('buildServerProperties', () => {
  const props = parse(
    buildServerProperties({
      host: '127.0.0.1',
      brokerPort: 4001,
      controllerPort: 4002,
      logDir: '/tmp/x/logs',
    }),
  );

  it('runs one combined KRaft node on loopback', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:4002');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:4001,CONTROLLER://127.0.0.1:4002');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:4001');
    expect(props.get('log.dirs')).toBe('/tmp/x/logs');
  });

  it('never creates topics on demand and keeps internal topics at one replica', () => {
    expect(props.get('auto.create.topics.enable')).toBe('false');
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
    ]) {
      expect(props.get(key)).toBe('1');
    }
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });
});

describe('buildLog4j2Properties', () => {
  it('sends everything to the given file', () => {
    const text = buildLog4j2Properties('/tmp/x/kafka.log');
    expect(text).toContain('appender.file.fileName = /tmp/x/kafka.log');
    expect(text).toContain('rootLogger.appenderRef.file.ref = FILE');
    expect(text).not.toMatch(/Console/i);
  });
});

describe('escapePropertyValue', () => {
  it('escapes backslashes and newlines', () => {
    expect(escapePropertyValue('C:\\kafka\nx')).toBe('C:\\\\kafka\\nx');
  });
});

describe('randomClusterId', () => {
  it('is 22 base64url characters and never starts with a dash', () => {
    let calls = 0;
    const fake = (size: number): Buffer => {
      calls++;
      // First draw encodes to an id starting with '-', which must be rejected.
      return calls === 1 ? Buffer.alloc(size, 0xfb) : Buffer.alloc(size, 0x41);
    };
    const id = randomClusterId(fake);
    expect(calls).toBe(2);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
