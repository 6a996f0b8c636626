import {
  All,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import type {
  CompatibilityBody,
  RegisteredSchemaId,
  SchemaByIdBody,
  SubjectVersionBody,
} from './ccompat.dto.js';
import { jsonBody } from './ccompat.dto.js';
import { CcompatService } from './ccompat.service.js';
import { ConfluentErrorFilter } from './confluent-error.filter.js';
import { ConfluentMediaTypeInterceptor } from './confluent-media-type.interceptor.js';
import { ConfluentError } from './confluent.exception.js';

function callerOf(request: RequestWithPrincipal): string {
  if (!request.principal) throw new Error('AccessGuard did not set a principal');
  return request.principal.agencyId;
}

/**
 * The Confluent Schema Registry subset, JSON Schema only, so that existing registry clients
 * (e.g. `@kafkajs/confluent-schema-registry` with `host: <gateway>/ccompat`) work unchanged.
 * Errors use Confluent's `{error_code, message}`. Callers authenticate with a Bearer access
 * token like on every `/v1` route; writes need the integrator role, as on `/v1/schemas`.
 */
@Controller('ccompat')
@UseFilters(ConfluentErrorFilter)
@UseInterceptors(ConfluentMediaTypeInterceptor)
export class CcompatController {
  constructor(private readonly ccompat: CcompatService) {}

  @Get('schemas/types')
  schemaTypes(): string[] {
    return ['JSON'];
  }

  @Get('schemas/ids/:id')
  byId(@Param('id') id: string): SchemaByIdBody {
    return this.ccompat.byId(id);
  }

  @Get('subjects')
  subjects(): string[] {
    return this.ccompat.subjects();
  }

  @Get('subjects/:subject/versions')
  versions(@Param('subject') subject: string): number[] {
    return this.ccompat.versions(subject);
  }

  @Post('subjects/:subject/versions')
  @RequireRole('integrator')
  @HttpCode(200)
  register(
    @Param('subject') subject: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<RegisteredSchemaId> {
    return this.ccompat.register(subject, jsonBody(body, contentType), callerOf(request));
  }

  @Post('subjects/:subject')
  @HttpCode(200)
  lookup(
    @Param('subject') subject: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
  ): SubjectVersionBody {
    return this.ccompat.lookup(subject, jsonBody(body, contentType));
  }

  @Get('subjects/:subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string): SubjectVersionBody {
    return this.ccompat.version(subject, version);
  }

  @Get('subjects/:subject/versions/:version/schema')
  rawSchema(
    @Param('subject') subject: string,
    @Param('version') version: string,
  ): Readonly<Record<string, unknown>> {
    return this.ccompat.rawSchema(subject, version);
  }

  @Post('compatibility/subjects/:subject/versions/:version')
  @HttpCode(200)
  compatibility(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Query('verbose') verbose: string | undefined,
  ): CompatibilityBody {
    return this.ccompat.compatibility(subject, version, jsonBody(body, contentType), verbose === 'true');
  }

  @Get('config')
  globalConfig(): { compatibilityLevel: string } {
    return this.ccompat.config(null, true);
  }

  @Put('config')
  @RequireRole('integrator')
  setGlobalConfig(
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<{ compatibility: string }> {
    return this.ccompat.setConfig(null, jsonBody(body, contentType), callerOf(request));
  }

  @Get('config/:subject')
  config(
    @Param('subject') subject: string,
    @Query('defaultToGlobal') defaultToGlobal: string | undefined,
  ): { compatibilityLevel: string } {
    return this.ccompat.config(subject, defaultToGlobal === 'true');
  }

  @Put('config/:subject')
  @RequireRole('integrator')
  setConfig(
    @Param('subject') subject: string,
    @Body() body: Buffer | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<{ compatibility: string }> {
    return this.ccompat.setConfig(subject, jsonBody(body, contentType), callerOf(request));
  }

  /** Anything else under /ccompat answers in Confluent's shape too. */
  @All('*')
  unsupported(@Req() request: FastifyRequest): never {
    if (request.method === 'DELETE') {
      throw new ConfluentError(
        405,
        405,
        'Lienthong never deletes schema versions; disable one with PUT /v1/schemas/{type}/versions/{n}/state.',
      );
    }
    throw new ConfluentError(404, 404, 'HTTP 404 Not Found');
  }
}
