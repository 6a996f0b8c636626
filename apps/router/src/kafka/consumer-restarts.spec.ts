import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { describe, expect, it, jest } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import { ConsumerRestarts } from './consumer-restarts.js';

/** The two consumer events ConsumerRestarts listens to, emitted by hand (unit tier). */
function consumerEvents() {
  const emitter = new EventEmitter();
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
  } as unknown as Consumer;
  return {
    consumer,
    crash: (restart: boolean) =>
      emitter.emit('consumer.crash', { payload: { error: new Error('too large'), restart } }),
    join: () => emitter.emit('consumer.group_join', { payload: {} }),
  };
}

describe('ConsumerRestarts', () => {
  const logger = new Logger('spec');
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);

  it('replaces a consumer kafkajs gave up on after 1 s, then 2 s, until a batch succeeds', () => {
    jest.useFakeTimers();
    try {
      const replace = jest.fn(() => Promise.resolve());
      const restarts = new ConsumerRestarts('test consumer', logger, replace);
      const { consumer, crash, join } = consumerEvents();
      restarts.watch(consumer, () => true);

      crash(true); // kafkajs restarts this one itself
      expect(restarts.error).toBeUndefined();

      crash(false);
      expect(restarts.error).toBe('Error: too large');
      jest.advanceTimersByTime(999);
      expect(replace).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(replace).toHaveBeenCalledTimes(1);

      crash(false);
      jest.advanceTimersByTime(1_999);
      expect(replace).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1);
      expect(replace).toHaveBeenCalledTimes(2);

      join();
      expect(restarts.error).toBeUndefined();
      restarts.succeeded();
      crash(false);
      jest.advanceTimersByTime(1_000);
      expect(replace).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('ignores a consumer already replaced, and replaces nothing after cancel()', () => {
    jest.useFakeTimers();
    try {
      const replace = jest.fn(() => Promise.resolve());
      const restarts = new ConsumerRestarts('test consumer', logger, replace);
      const old = consumerEvents();
      restarts.watch(old.consumer, () => false);
      old.crash(false);
      expect(restarts.error).toBeUndefined();

      const current = consumerEvents();
      restarts.watch(current.consumer, () => true);
      current.crash(false);
      restarts.cancel();
      jest.advanceTimersByTime(60_000);
      expect(replace).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
