/**
 * The interface language. Every visible string goes through `t()`; numbers and dates
 * through the Intl formatters below, so both follow the chosen language.
 */
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';

export type { MessageKey } from './en.js';
export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };
const STORAGE_KEY = 'carnet.lang';

let current: Lang = 'en';
let locale = 'en';

/** Picks the language: the remembered choice, else the browser's, else English. */
export function detectLang(stored: string | null, browser: readonly string[]): Lang {
  if (stored === 'en' || stored === 'fr') return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

/** The BCP 47 tag for Intl: the browser's own variant when it speaks the chosen language. */
export function localeFor(lang: Lang, browser: readonly string[]): string {
  return browser.find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang;
}

/** Reads the stored or browser language; call once at start-up. */
export function initLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be disabled; fall back to the browser's language.
  }
  applyLang(detectLang(stored, navigator.languages ?? [navigator.language]));
  return current;
}

/** Switches and remembers the language. The caller re-renders. */
export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but still applied for this page.
  }
  applyLang(lang);
}

function applyLang(lang: Lang): void {
  current = lang;
  locale = typeof navigator === 'undefined' ? lang : localeFor(lang, navigator.languages ?? [navigator.language]);
  numberFormats.clear();
  dateFormats.clear();
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export const getLang = (): Lang => current;
export const getLocale = (): string => locale;

/** Translates a key, replacing `{name}` placeholders with `vars`. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return interpolate(dictionaries[current][key], vars);
}

/** Replaces `{name}` placeholders; numbers are formatted for the locale. */
export function interpolate(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A cached Intl.NumberFormat for the current locale. */
export function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A cached Intl.DateTimeFormat for the current locale. */
export function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

export const formatNumber = (n: number | bigint): string => numberFormat().format(n);

/** Bytes as "12.3 MB" in the current locale. */
export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return numberFormat({ style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}

/** Milliseconds as "850 ms" or "12.4 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return numberFormat({ style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms);
  return numberFormat({ style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / 1000);
}

/** "3 minutes ago" style for recent times, a date beyond a week. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  return dateFormat({ dateStyle: 'medium' }).format(date);
}
