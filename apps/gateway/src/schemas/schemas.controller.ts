import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { negotiateLanguage } from '@lienthong/contracts';
import type { FastifyReply } from 'fastify';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import type {
  CompatibilityConfig,
  CompatibilityReport,
  RegistrationResult,
  TypeList,
  VersionList,
  VersionView,
} from './schemas.dto.js';
import { parseBody, parseSchemaId } from './schemas.dto.js';
import { SchemasService } from './schemas.service.js';

/** The agency asking for a registry change (recorded with the log record as `by`). */
function callerOf(request: RequestWithPrincipal): string {
  if (!request.principal) throw new Error('AccessGuard did not set a principal');
  return request.principal.agencyId;
}

/**
 * `/v1/schemas`: the schema registry for integrators. Reads (the compatibility check included)
 * are open to every authenticated agency; writes need the integrator role, and the log records
 * the writing agency as `by`.
 */
@Controller('v1/schemas')
export class SchemasController {
  constructor(private readonly schemas: SchemasService) {}

  @Get()
  list(): TypeList {
    return this.schemas.list();
  }

  @Get('config')
  globalConfig(): CompatibilityConfig {
    return this.schemas.config(null);
  }

  /** Write: the global default compatibility level. */
  @Put('config')
  @RequireRole('integrator')
  setGlobalConfig(
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<CompatibilityConfig> {
    return this.schemas.setConfig(null, parseBody(body, contentType), callerOf(request));
  }

  @Get('ids/:id')
  byId(@Param('id') id: string): VersionView {
    return this.schemas.byId(parseSchemaId(id));
  }

  /** Write: registers a version; 201 when new, 200 when this schema and metadata already are. */
  @Post(':type/versions')
  @RequireRole('integrator')
  async register(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistrationResult> {
    const result = await this.schemas.register(type, parseBody(body, contentType), callerOf(request));
    void reply.status(result.created ? 201 : 200);
    void reply.header('location', `/v1/schemas/${result.type}/versions/${result.version}`);
    return result;
  }

  @Get(':type/versions')
  versions(@Param('type') type: string): VersionList {
    return this.schemas.versions(type);
  }

  @Get(':type/versions/:version')
  version(@Param('type') type: string, @Param('version') version: string): VersionView {
    return this.schemas.version(type, version);
  }

  /** Write: deprecates, disables or re-activates one version. */
  @Put(':type/versions/:version/state')
  @RequireRole('integrator')
  setState(
    @Param('type') type: string,
    @Param('version') version: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<VersionView> {
    return this.schemas.setState(type, version, parseBody(body, contentType), callerOf(request));
  }

  /** Read-only despite POST: checks a candidate without registering it. */
  @Post(':type/compatibility')
  @HttpCode(200)
  checkCompatibility(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): CompatibilityReport {
    const lang = negotiateLanguage(acceptLanguage);
    void reply.header('content-language', lang);
    return this.schemas.checkCompatibility(type, parseBody(body, contentType), lang);
  }

  @Get(':type/config')
  config(@Param('type') type: string): CompatibilityConfig {
    return this.schemas.config(type);
  }

  /** Write: the compatibility level of one type. */
  @Put(':type/config')
  @RequireRole('integrator')
  setConfig(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<CompatibilityConfig> {
    return this.schemas.setConfig(type, parseBody(body, contentType), callerOf(request));
  }
}
