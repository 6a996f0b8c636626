import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PROBLEM_CATALOGUE } from './problem-codes.js';

describe('docs/errors.md', () => {
  it('lists every problem code with its status and both titles', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    for (const [code, entry] of Object.entries(PROBLEM_CATALOGUE)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\``));
      expect({ code, row }).toEqual({ code, row: expect.stringContaining(`| ${entry.status}`) });
      expect(row).toContain(entry.en);
      expect(row).toContain(entry.vi);
    }
  });
});
