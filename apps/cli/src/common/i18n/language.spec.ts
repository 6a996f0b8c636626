import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { COMMANDS, runCli } from '../../cli.js';
import type { Command } from '../command.js';
import { isCommandGroup } from '../command.js';
import type { TestContext } from '../../testing/cli-test-context.util.js';
import { createTestContext } from '../../testing/cli-test-context.util.js';
import { en } from './en.js';
import { languageOf } from './language.js';
import { vi } from './vi.js';

/** Every string of a catalogue, functions called with placeholder arguments. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [String((value as (...a: string[]) => unknown)('X', 'Y', 'Z'))];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(texts);
  return [];
}

describe('message language', () => {
  it('is --lang first, then LC_ALL, then LANG; Vietnamese when the locale starts with vi', () => {
    expect(languageOf('vi', { LANG: 'en_US.UTF-8' })).toBe('vi');
    expect(languageOf('en', { LC_ALL: 'vi_VN.UTF-8' })).toBe('en');
    expect(languageOf(undefined, { LC_ALL: 'vi_VN.UTF-8', LANG: 'en_US' })).toBe('vi');
    expect(languageOf(undefined, { LC_ALL: 'C.UTF-8', LANG: 'vi_VN.UTF-8' })).toBe('en');
    expect(languageOf(undefined, { LC_ALL: '', LANG: 'vi' })).toBe('vi');
    expect(languageOf(undefined, { LANG: 'vie' })).toBe('en');
    expect(languageOf(undefined, {})).toBe('en');
    expect(() => languageOf('fr', {})).toThrow('--lang fr is not vi or en');
  });

  it('has a Vietnamese message for every English one, never the English text itself', () => {
    const english = texts(en);
    const vietnamese = texts(vi);
    expect(vietnamese).toHaveLength(english.length);
    const same = english.filter((t, i) => t === vietnamese[i] && /[a-z]{4,} [a-z]{3,}/.test(t));
    expect(same).toEqual([]);
  });

  it('gives every command that takes --lang a Vietnamese summary and description', () => {
    const commands: (Command | (typeof COMMANDS)[number])[] = COMMANDS.flatMap((c) =>
      isCommandGroup(c) ? [c, ...c.actions] : [c],
    );
    const bilingual = commands.filter(
      (c) => isCommandGroup(c) || c.spec.options.some((o) => o.name === 'lang'),
    );
    expect(bilingual.length).toBeGreaterThan(15);
    for (const c of bilingual)
      expect([c.spec.name, c.spec.vi?.summary]).toEqual([c.spec.name, expect.any(String)]);
  });
});

describe('help and usage errors in Vietnamese', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext({ env: { LANG: 'vi_VN.UTF-8' } });
  });
  afterEach(() => ctx.cleanup());

  it('lists the commands in Vietnamese under a Vietnamese locale', async () => {
    expect(await runCli(['--help'], ctx)).toBe(0);
    expect(ctx.out).toContain('Cách dùng: lienthong <lệnh> [tham số] [tùy chọn]');
    expect(ctx.out).toMatch(/ {2}keygen +tạo cặp khóa cho cơ quan/);
    expect(ctx.out).toContain('Mã kết thúc: 0 hoàn tất');
  });

  it('explains a group and an action in Vietnamese, also with --lang vi', async () => {
    const en = createTestContext();
    expect(await runCli(['agency', '--help', '--lang', 'vi'], en)).toBe(0);
    expect(en.out).toContain('Thao tác:');
    expect(en.out).toMatch(/ {2}suspend +tạm dừng một cơ quan/);
    en.cleanup();
    expect(await runCli(['subscribe', 'create', '--help'], ctx)).toBe(0);
    expect(ctx.out).toContain('Cách dùng: lienthong subscribe create [options]');
    expect(ctx.out).toContain('Luật 91/2025/QH15');
    expect(ctx.out).toContain('(có thể nêu nhiều lần)');
    expect(ctx.out).toContain('Cần khóa của cơ quan có vai trò subscriber');
  });

  it("says the parser's usage errors in Vietnamese, for the older commands too", async () => {
    expect(await runCli(['token', '--gateway', 'http://127.0.0.1:9'], ctx)).toBe(2);
    expect(ctx.err).toBe(
      "lienthong: Thiếu --agency ID (hoặc đặt biến LIENTHONG_AGENCY)\nChạy 'lienthong token --help' để xem cách dùng.\n",
    );
    expect(
      await runCli(['publish', 't.x', 'f.json', '--gateway', 'ftp://g', '--agency', 'a', '--key', 'k'], ctx),
    ).toBe(2);
    expect(ctx.err).toContain('--gateway ftp://g phải là địa chỉ http:// hoặc https://');
    expect(
      await runCli(['token', '--gateway', 'http://127.0.0.1:9', '--agency', 'g.01', '--key', 'k'], ctx),
    ).toBe(2);
    expect(ctx.err).toContain('--agency g.01 không phải là mã cơ quan');
    expect(await runCli(['agency', 'rename'], ctx)).toBe(2);
    expect(ctx.err).toContain('Lệnh agency không có thao tác "rename"');
    expect(await runCli(['pubish'], ctx)).toBe(2);
    expect(ctx.err).toContain('Không có lệnh "pubish"');
  });
});
