import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app.factory.js';

export interface RunningGateway {
  app: NestFastifyApplication;
  config: GatewayConfig;
  url: string;
  close(): Promise<void>;
}

/** Starts a real gateway on a free loopback port against the test broker (KAFKA_BROKERS). */
export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0', ...env });
  const app = await createGatewayApp(config, { logger: ['error'] });
  await app.listen({ host: config.host, port: 0 });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('gateway did not bind a TCP port');
  return {
    app,
    config,
    url: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}
