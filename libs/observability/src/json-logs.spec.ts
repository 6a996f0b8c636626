import { describe, expect, it } from '@jest/globals';
import { createJsonLogger, httpRequestId, logStartupFailure } from './json-logs.js';

function capture(): { lines: Record<string, unknown>[]; destination: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  };
}

describe('JSON logs', () => {
  it('names the app on every line and follows LOG_LEVEL unless Nest levels are given', () => {
    const { lines, destination } = capture();
    const log = createJsonLogger('lienthong-test', 'warn', { logDestination: destination });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toEqual([expect.objectContaining({ app: 'lienthong-test', level: 40, msg: 'shown' })]);
    expect(
      createJsonLogger('a', 'info', { logger: ['error', 'debug'], logDestination: destination }).level,
    ).toBe('debug');
    expect(createJsonLogger('a', 'info', { logger: false, logDestination: destination }).level).toBe(
      'silent',
    );
  });

  it('never writes bodies, payloads, record values or credential headers, wherever they are', () => {
    const { lines, destination } = capture();
    const log = createJsonLogger('lienthong-test', 'info', { logDestination: destination });
    log.info(
      {
        body: '{"idNumber":"079093006789"}',
        payload: { idNumber: '079093006789' },
        value: Buffer.from('079093006789'),
        message: { key: '079093006789', value: '079093006789', headers: { 'lienthong-signature': 'sig' } },
        headers: { authorization: 'Bearer t', 'webhook-signature': 'v1,abc', 'webhook-id': 'kept' },
        req: {
          id: 'r1',
          method: 'POST',
          url: '/v1/messages/x?citizen=079093006789',
          headers: { cookie: 'c' },
        },
      },
      'something',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/079093006789|Bearer t|v1,abc|"sig"|cookie/);
    expect(lines[0]).toMatchObject({
      req: { id: 'r1', method: 'POST', path: '/v1/messages/x' },
      headers: { 'webhook-id': 'kept' },
    });
  });

  it('keeps a safe caller request id and makes one otherwise', () => {
    expect(httpRequestId({ headers: { 'x-request-id': 'abc-123' } })).toBe('abc-123');
    expect(httpRequestId({ headers: { 'x-request-id': 'no spaces or "quotes"' } })).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(httpRequestId({ headers: {} })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports a failed start as one fatal JSON line', () => {
    const { lines, destination } = capture();
    logStartupFailure(
      'lienthong-test',
      new Error('Invalid configuration:\n  - PORT must be…'),
      true,
      destination,
    );
    logStartupFailure('lienthong-test', new Error('boom'), false, destination);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 60,
        app: 'lienthong-test',
        msg: 'Invalid configuration:\n  - PORT must be…',
      }),
      expect.objectContaining({
        level: 60,
        msg: 'lienthong-test failed to start',
        err: expect.objectContaining({ message: 'boom', stack: expect.any(String) }),
      }),
    ]);
  });
});
