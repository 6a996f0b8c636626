import { Logger } from '@nestjs/common';
import { ConfigError } from '@lienthong/config';
import { logStartupFailure } from '@lienthong/observability';
import { GATEWAY_APP_NAME } from './common/logging.js';
import { loadGatewayConfig } from './config/gateway-config.js';
import { createGatewayApp } from './gateway-app.factory.js';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await app.listen({ host: config.host, port: config.port });
  new Logger('Gateway').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  logStartupFailure(GATEWAY_APP_NAME, error, error instanceof ConfigError);
  process.exit(1);
});
