import { Logger } from '@nestjs/common';
import { ConfigError } from '@lienthong/config';
import { logStartupFailure } from '@lienthong/observability';
import { loadRouterConfig } from './config/router-config.js';
import { ROUTER_APP_NAME, createRouterApp } from './router-app.factory.js';

async function main(): Promise<void> {
  const config = loadRouterConfig();
  const app = await createRouterApp(config);
  await app.listen({ host: config.host, port: config.port });
  new Logger('Router').log(`health and metrics on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  logStartupFailure(ROUTER_APP_NAME, error, error instanceof ConfigError);
  process.exit(1);
});
