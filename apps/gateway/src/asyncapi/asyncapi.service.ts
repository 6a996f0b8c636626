import { Inject, Injectable } from '@nestjs/common';
import type { SchemaVersion } from '@lienthong/registry';
import { RegistryLog, RegistryState } from '@lienthong/registry';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { buildAsyncApiDocument } from './asyncapi-document.js';

/**
 * Serves the AsyncAPI document of the record topics, rebuilt only when the registry moved:
 * the document is a function of the registry state, which changes only as the log is applied.
 */
@Injectable()
export class AsyncApiService {
  private cached: { offset: bigint; json: string } | undefined;

  constructor(
    private readonly state: RegistryState,
    private readonly log: RegistryLog,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The document, serialised. */
  document(): string {
    const { offset } = this.log.progress();
    if (this.cached?.offset === offset) return this.cached.json;
    const latest = this.state
      .types()
      .map((type) => this.state.latestEnabled(type))
      .filter((v): v is SchemaVersion => v !== undefined);
    const document = buildAsyncApiDocument({
      latest,
      lookup: (type, version) => this.state.version(type, version),
      publicKafkaServer: this.config.asyncApiKafkaServer,
      revision: String(offset + 1n),
    });
    this.cached = { offset, json: JSON.stringify(document) };
    return this.cached.json;
  }
}
