import type { OptionSpec } from '../command-line.js';
import { UsageError } from '../cli.exception.js';
import { en } from './en.js';
import type { Messages } from './en.js';
import { vi } from './vi.js';

export type Language = 'en' | 'vi';

/** `--lang vi|en`; without it the locale decides. */
export const LANG_OPTION: OptionSpec = {
  name: 'lang',
  type: 'string',
  value: 'vi|en',
  description:
    'language of the messages (default: from LC_ALL, then LANG; Vietnamese when it starts with vi)',
};

/**
 * The language of the messages: `--lang` when given, else the locale. POSIX gives LC_ALL
 * precedence over LANG, so a set LC_ALL decides even when it is not Vietnamese.
 */
export function languageOf(
  lang: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Language {
  if (lang !== undefined) {
    if (lang === 'vi' || lang === 'en') return lang;
    throw new UsageError(`--lang ${lang} is not vi or en`);
  }
  const locale = nonEmpty(env['LC_ALL']) ?? nonEmpty(env['LANG']) ?? '';
  return /^vi([_.@-]|$)/i.test(locale) ? 'vi' : 'en';
}

/** The message catalogue of a language. */
export function messagesIn(language: Language): Messages {
  return language === 'vi' ? vi : en;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
