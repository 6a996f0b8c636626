import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { DISCLOSURE_SIGNATURE_HEADER } from '@lienthong/trust';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import { parseDisclosureQuery, parseSubjectId } from './disclosures.dto.js';
import { DisclosuresService } from './disclosures.service.js';

/**
 * `/v1/data-subjects/{subjectId}/disclosures` (Law 91/2025/QH15): who received which personal
 * data of a person, when and why. The subject id in the path is personal data: the request log
 * and metrics see only the route pattern, and problem bodies never echo the path.
 */
@RequireRole('operator', 'data-subject-officer')
@Controller('v1/data-subjects')
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosuresService) {}

  /** Newest first, paginated; the body's exact bytes are signed in `Lienthong-Signature`. */
  @Get(':subjectId/disclosures')
  async list(
    @Param('subjectId') subjectId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest & RequestWithPrincipal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!request.principal) throw new Error('AccessGuard did not set a principal');
    const answer = await this.disclosures.lookup(
      parseSubjectId(subjectId),
      parseDisclosureQuery(query),
      request.principal,
      String(request.id),
    );
    await reply
      .status(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(DISCLOSURE_SIGNATURE_HEADER, answer.signature)
      .send(answer.body);
  }
}
