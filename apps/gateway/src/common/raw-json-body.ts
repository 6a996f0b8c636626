import { LienthongError } from '@lienthong/contracts';
import type { FastifyInstance } from 'fastify';

/** `application/json` and structured-syntax `+json` types (RFC 6839 section 3.1). */
const JSON_MEDIA_TYPES = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json(?:\s*;|$)/i;

/**
 * Replaces Fastify's body parsers with one that keeps JSON bodies as raw bytes: the record must
 * reach Kafka byte for byte, and the strict parse (duplicate keys, forbidden names) happens in
 * the service. Any other content type is refused by Fastify with 415; a declared charset other
 * than UTF-8 is refused here (RFC 8259 section 8.1).
 */
export function registerRawJsonBody(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
      done(
        new LienthongError('unsupported-media-type', {
          detail: `charset ${charset} is not accepted; use UTF-8.`,
          detailVi: `Không chấp nhận bảng mã ${charset}; hãy dùng UTF-8.`,
        }),
        undefined,
      );
      return;
    }
    done(null, body);
  });
  // The OAuth token endpoint takes form-encoded parameters (RFC 6749 section 4.4.2).
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 16_384 },
    (_r, body, done) => {
      done(null, body);
    },
  );
}
