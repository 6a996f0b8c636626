import { Logger } from '@nestjs/common';
import { ConfigError, loadGatewayConfig } from './config/gateway-config.js';
import { createGatewayApp } from './gateway-app.factory.js';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await app.listen({ host: config.host, port: config.port });
  new Logger('Gateway').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
