import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ProblemCode } from '@lienthong/contracts';
import { LienthongError, negotiateLanguage, toProblemDetails } from '@lienthong/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route (and so before the
 * exception filter) runs — a URL that does not decode, a path parameter longer than the router
 * takes — answered as problem+json like every other refusal.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const code: ProblemCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'route-not-found' : 'bad-request';
  const lang = negotiateLanguage(request.headers['accept-language']);
  const problem = toProblemDetails(
    new LienthongError(code, {
      detail: 'The request path is malformed or names no resource.',
      detailVi: 'Đường dẫn yêu cầu không hợp lệ hoặc không trỏ tới tài nguyên nào.',
    }),
    lang,
    { correlationId: String(request.id) },
  );
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('content-language', lang)
    .header('x-request-id', String(request.id))
    .send(JSON.stringify(problem));
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser rejects (headers over the size
 * limit, malformed request lines, conflicting Content-Length and Transfer-Encoding) get a
 * problem+json answer on the raw socket, which is then closed — never Fastify's bare JSON.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const correlationId = randomUUID();
  const problem = toProblemDetails(
    new LienthongError(tooLarge ? 'headers-too-large' : 'bad-request', {
      detail: tooLarge
        ? undefined
        : timedOut
          ? 'The request did not arrive in time.'
          : 'The request is not well-formed HTTP/1.1.',
      detailVi: tooLarge
        ? undefined
        : timedOut
          ? 'Yêu cầu không đến kịp thời hạn.'
          : 'Yêu cầu không đúng định dạng HTTP/1.1.',
    }),
    'en',
    { correlationId },
  );
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\nContent-Language: en\r\n' +
        `X-Request-Id: ${correlationId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
