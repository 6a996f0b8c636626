import { describe, expect, it } from '@jest/globals';

import { startKafka } from './broker-provider.js';

describe('startKafka', () => {
  it('uses the cluster named by KAFKA_BROKERS without starting anything', async () => {
    const handle = await startKafka({ env: { KAFKA_BROKERS: 'a:9092,b:9092' } });
    expect(handle).toMatchObject({ mode: 'external', brokers: ['a:9092', 'b:9092'] });
    await handle.stop();
  });

  it('rejects an unknown LIENTHONG_KAFKA_MODE', async () => {
    await expect(startKafka({ env: { LIENTHONG_KAFKA_MODE: 'zookeeper' } })).rejects.toThrow(
      /LIENTHONG_KAFKA_MODE/,
    );
  });

  it('needs KAFKA_BROKERS when external mode is forced', async () => {
    await expect(startKafka({ mode: 'external', env: {} })).rejects.toThrow(/KAFKA_BROKERS/);
  });
});
