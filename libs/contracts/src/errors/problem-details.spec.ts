import { describe, expect, it } from '@jest/globals';
import { LienthongError } from './lienthong.exception.js';
import { PROBLEM_CATALOGUE } from './problem-codes.js';
import { MAX_PROBLEM_POINTERS, negotiateLanguage, toProblemDetails } from './problem-details.js';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['vi', 'vi'],
    ['vi-VN,vi;q=0.9,en;q=0.8', 'vi'],
    ['en-US,en;q=0.9,vi;q=0.8', 'en'],
    ['fr, vi;q=0.5', 'vi'],
    ['vi;q=0, en', 'en'],
    ['de', 'en'],
  ])('%s -> %s', (header, lang) => {
    expect(negotiateLanguage(header)).toBe(lang);
  });
});

describe('toProblemDetails', () => {
  it('renders the catalogue entry in the chosen language', () => {
    const error = new LienthongError('validation-failed', {
      detail: 'two violations',
      detailVi: 'hai lỗi',
      errors: [{ pointer: '/citizenId', keyword: 'pattern', message: 'bad', messageVi: 'sai' }],
    });
    expect(toProblemDetails(error, 'vi', { instance: '/v1/messages/x', correlationId: 'c-1' })).toEqual({
      type: 'urn:lienthong:problem:validation-failed',
      title: PROBLEM_CATALOGUE['validation-failed'].vi,
      status: 422,
      code: 'validation-failed',
      detail: 'hai lỗi',
      instance: '/v1/messages/x',
      correlationId: 'c-1',
      errors: [{ pointer: '/citizenId', keyword: 'pattern', message: 'sai' }],
    });
    expect(toProblemDetails(error, 'en').errors).toEqual([
      { pointer: '/citizenId', keyword: 'pattern', message: 'bad' },
    ]);
  });

  it('caps the failing pointers and says so', () => {
    const errors = Array.from({ length: 50 }, (_, i) => ({ pointer: `/a/${i}`, message: 'x' }));
    const problem = toProblemDetails(new LienthongError('validation-failed', { errors }), 'en');
    expect(problem.errors).toHaveLength(MAX_PROBLEM_POINTERS);
    expect(problem.errorsTruncated).toBe(true);
  });

  it('has a bilingual title and an HTTP error status for every code', () => {
    for (const [code, entry] of Object.entries(PROBLEM_CATALOGUE)) {
      expect(entry.en.length).toBeGreaterThan(0);
      expect(entry.vi.length).toBeGreaterThan(0);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
});
