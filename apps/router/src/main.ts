import { Logger } from '@nestjs/common';
import { RouterConfigError, loadRouterConfig } from './config/router-config.js';
import { createRouterApp } from './router-app.factory.js';

async function main(): Promise<void> {
  const config = loadRouterConfig();
  const app = await createRouterApp(config);
  await app.listen({ host: config.host, port: config.port });
  new Logger('Router').log(`health and metrics on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  if (error instanceof RouterConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `router failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
