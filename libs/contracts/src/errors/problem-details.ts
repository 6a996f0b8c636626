import type { LienthongError, ProblemPointer } from './lienthong.exception.js';
import type { Language, ProblemCode } from './problem-codes.js';
import { PROBLEM_CATALOGUE, PROBLEM_TYPE_PREFIX } from './problem-codes.js';

/** RFC 9457 problem details with Lienthong's extension members. */
/** A failing location as rendered to the client, in the negotiated language. */
export interface RenderedPointer {
  pointer: string;
  keyword?: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ProblemCode;
  correlationId?: string;
  errors?: RenderedPointer[];
  errorsTruncated?: boolean;
}

/** At most this many failing pointers are returned; a flood of errors is summarised. */
export const MAX_PROBLEM_POINTERS = 20;

/** Picks Vietnamese when the client prefers it (RFC 9110 section 12.5.4), English otherwise. */
export function negotiateLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  let best: { lang: Language; q: number } = { lang: 'en', q: -1 };
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Language | undefined =
      tag === 'vi' || tag.startsWith('vi-') ? 'vi' : tag === 'en' || tag.startsWith('en-') ? 'en' : undefined;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}

/** Builds the problem document for a domain error. */
export function toProblemDetails(
  error: LienthongError,
  lang: Language,
  extra: { instance?: string; correlationId?: string } = {},
): ProblemDetails {
  const entry = PROBLEM_CATALOGUE[error.code];
  const problem: ProblemDetails = {
    type: `${PROBLEM_TYPE_PREFIX}${error.code}`,
    title: entry[lang],
    status: entry.status,
    code: error.code,
  };
  const detail = lang === 'vi' ? (error.options.detailVi ?? error.options.detail) : error.options.detail;
  if (detail) problem.detail = detail;
  if (extra.instance) problem.instance = extra.instance;
  if (extra.correlationId) problem.correlationId = extra.correlationId;
  const errors = error.options.errors;
  if (errors && errors.length > 0) {
    problem.errors = errors.slice(0, MAX_PROBLEM_POINTERS).map((e) => renderPointer(e, lang));
    if (errors.length > MAX_PROBLEM_POINTERS) problem.errorsTruncated = true;
  }
  return problem;
}

/** HTTP status for a code. */
export function problemStatus(code: ProblemCode): number {
  return PROBLEM_CATALOGUE[code].status;
}

function renderPointer(e: ProblemPointer, lang: Language): RenderedPointer {
  const rendered: RenderedPointer = {
    pointer: e.pointer,
    message: lang === 'vi' ? (e.messageVi ?? e.message) : e.message,
  };
  if (e.keyword) rendered.keyword = e.keyword;
  return rendered;
}
