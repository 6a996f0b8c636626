import { Logger } from '@nestjs/common';
import { ConfigError } from '@lienthong/config';
import { logStartupFailure } from '@lienthong/observability';
import { loadSubscriberConfig } from './subscriber-config.js';
import { SUBSCRIBER_APP_NAME, createSubscriberDemo } from './subscriber-app.factory.js';

async function main(): Promise<void> {
  const config = loadSubscriberConfig();
  const demo = await createSubscriberDemo(config);
  const stop = (signal: string) => {
    new Logger('SubscriberDemo').log(`${signal}: stopping`);
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  logStartupFailure(SUBSCRIBER_APP_NAME, error, error instanceof ConfigError);
  process.exit(1);
});
