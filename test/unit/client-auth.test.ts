/** The sign-in pages' decisions: where a browser goes, and what a refusal says. */
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../client/auth/api.js';
import { gatePath, awayFromAuthPages } from '../../client/auth/state.js';
import { refusalText } from '../../client/auth/refusal.js';

const user = { id: 'u1', name: 'ada', displayName: 'Ada', role: 'admin' };

describe('client auth', () => {
  it('returns only to paths of this app after signing in', () => {
    expect(safeNext('/n/abc?x=1')).toBe('/n/abc?x=1');
    for (const bad of [null, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', '/login?next=/', 'n/abc']) expect(safeNext(bad)).toBe('/');
  });

  it('sends a signed-out browser to setup before the first account, else to login with the page asked for', () => {
    expect(gatePath({ kind: 'signedOut', setup: true }, '/n/abc')).toBe('/setup');
    expect(gatePath({ kind: 'signedOut', setup: true }, '/setup?token=x')).toBeNull();
    expect(gatePath({ kind: 'signedOut', setup: false }, '/n/abc')).toBe('/login?next=%2Fn%2Fabc');
    expect(gatePath({ kind: 'signedOut', setup: false }, '/login?next=%2F')).toBeNull();
    expect(gatePath({ kind: 'signedIn', user }, '/n/abc')).toBeNull();
    expect(gatePath({ kind: 'off', user }, '/')).toBeNull();
  });

  it('sends a signed-in browser away from the login page to where it was going', () => {
    expect(awayFromAuthPages({ kind: 'signedIn', user }, '/login?next=%2Fn%2Fabc')).toBe('/n/abc');
    expect(awayFromAuthPages({ kind: 'off', user }, '/setup')).toBe('/');
    expect(awayFromAuthPages({ kind: 'signedIn', user }, '/n/abc')).toBeNull();
  });

  it('words throttling with the wait, and a wrong password plainly', () => {
    expect(refusalText({ ok: false, status: 429, message: 'too many', retryAfter: 7 }, 'auth.login.wrong')).toBe('Too many failed attempts: try again in 7 s.');
    expect(refusalText({ ok: false, status: 401, message: 'wrong login name or password' }, 'auth.login.wrong')).toBe('Wrong login name or password.');
    expect(refusalText({ ok: false, status: 403, message: 'the current password is wrong' }, 'auth.password.wrong')).toBe('The current password is wrong.');
  });
});
