import { Logger } from '@nestjs/common';
import { SubscriberConfigError, loadSubscriberConfig } from './subscriber-config.js';
import { createSubscriberDemo } from './subscriber-app.factory.js';

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
  if (error instanceof SubscriberConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `subscriber-demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
