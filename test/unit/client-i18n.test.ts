import { describe, expect, it } from 'vitest';
import { en } from '../../client/i18n/en.js';
import { fr } from '../../client/i18n/fr.js';
import { detectLang, interpolate, localeFor } from '../../client/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('client dictionaries', () => {
  it('French has exactly the English keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('every translation keeps the placeholders of the English text', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(fr[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });

  it('no translation is empty', () => {
    for (const [key, text] of Object.entries(fr)) expect(text.trim(), key).not.toBe('');
  });
});

describe('language choice', () => {
  it('prefers the remembered choice, then the browser, then English', () => {
    expect(detectLang('fr', ['en-US'])).toBe('fr');
    expect(detectLang(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(detectLang(null, ['de-DE'])).toBe('en');
    expect(detectLang('xx', ['en-GB'])).toBe('en');
  });

  it('formats with the browser variant of the chosen language', () => {
    expect(localeFor('fr', ['en-US', 'fr-BE'])).toBe('fr-BE');
    expect(localeFor('fr', ['en-US'])).toBe('fr');
  });

  it('fills placeholders and formats numbers', () => {
    expect(interpolate('{count} rows in {name}', { count: 12345, name: 'persons' })).toBe('12,345 rows in persons');
    expect(interpolate('{missing} stays', {})).toBe('{missing} stays');
  });
});
