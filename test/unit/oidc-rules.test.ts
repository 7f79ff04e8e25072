import { describe, expect, it } from 'vitest';
import { parseOidcConfig } from '../../server/auth/oidc-config.js';
import { groupsFromClaims, loginNameFrom, normaliseGroup, roleForGroups, uniqueName } from '../../server/auth/external.js';
import { safeNextPath } from '../../server/auth/oidc.js';
import { RateLimiter } from '../../server/auth/rate.js';
import { loadConfig } from '../../server/config.js';

const BASE = { CARNET_OIDC_ISSUER: 'https://id.example.org/realms/x', CARNET_OIDC_CLIENT_ID: 'carnet', CARNET_OIDC_CLIENT_SECRET: 's3cret' };

describe('single sign-on settings', () => {
  it('is off without an issuer, with defaults otherwise', () => {
    expect(parseOidcConfig({})).toBeNull();
    expect(parseOidcConfig(BASE)).toEqual({
      issuer: 'https://id.example.org/realms/x',
      clientId: 'carnet',
      clientSecret: 's3cret',
      name: 'Single sign-on',
      scopes: ['openid', 'profile', 'email', 'groups'],
      groupsClaim: 'groups',
      groups: { admin: [], analyst: [] },
    });
    expect(parseOidcConfig({ ...BASE, CARNET_OIDC_ADMIN_GROUPS: ' Carnet Admins, /ops ', CARNET_OIDC_SCOPES: 'openid email' })).toMatchObject({ scopes: ['openid', 'email'], groups: { admin: ['carnet-admins', 'ops'] } });
  });

  it('names the variable in every refusal', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ CARNET_OIDC_CLIENT_ID: 'x' }, /CARNET_OIDC_CLIENT_ID is set but CARNET_OIDC_ISSUER is not/],
      [{ ...BASE, CARNET_OIDC_ISSUER: 'http://id.example.org' }, /CARNET_OIDC_ISSUER=.*https:\/\//],
      [{ ...BASE, CARNET_OIDC_ISSUER: 'not a url' }, /CARNET_OIDC_ISSUER=not a url: not a URL/],
      [{ ...BASE, CARNET_OIDC_CLIENT_SECRET: '' }, /CARNET_OIDC_CLIENT_SECRET is not set/],
      [{ ...BASE, CARNET_OIDC_REDIRECT_URL: 'https://carnet.example.org/elsewhere' }, /CARNET_OIDC_REDIRECT_URL=.*\/api\/auth\/oidc\/callback/],
      [{ ...BASE, CARNET_OIDC_SCOPES: 'profile email' }, /CARNET_OIDC_SCOPES=.*"openid"/],
      [{ ...BASE, CARNET_OIDC_ANALYST_GROUPS: 'ok, ---' }, /CARNET_OIDC_ANALYST_GROUPS: "---"/],
    ];
    for (const [env, message] of bad) expect(() => parseOidcConfig(env), JSON.stringify(env)).toThrow(message);
    expect(() => loadConfig({}, { CARNET_TOKEN_RATE: '0' })).toThrow(/CARNET_TOKEN_RATE=0/);
    expect(loadConfig({}, {}).tokenRatePerMinute).toBe(600);
  });
});

describe('claims to an account', () => {
  it('normalises groups the same way in the claim and in the settings', () => {
    expect(normaliseGroup('/Org/Data Team')).toBe('org-data-team');
    expect(normaliseGroup('  ')).toBeNull();
    expect(groupsFromClaims({ groups: ['B', 'a', 'a', 7] }, 'groups')).toEqual({ groups: ['a', 'b'], truncated: false });
    expect(groupsFromClaims({ realm_access: { roles: ['x'] } }, 'realm_access.roles').groups).toEqual(['x']);
    expect(groupsFromClaims({ 'https://e.org/groups': 'one' }, 'https://e.org/groups').groups).toEqual(['one']);
    expect(groupsFromClaims({ groups: { not: 'a list' } }, 'groups').groups).toEqual([]);
  });

  it('decides the role from the groups', () => {
    const rules = { admin: ['admins'], analyst: ['analysts'] };
    expect(roleForGroups(['analysts', 'admins'], rules)).toBe('admin');
    expect(roleForGroups(['analysts'], rules)).toBe('analyst');
    expect(roleForGroups(['others'], rules)).toBeNull();
    expect(roleForGroups([], { admin: ['admins'], analyst: [] })).toBe('analyst');
  });

  it('derives a valid, unique login name', () => {
    expect(loginNameFrom({ preferred_username: 'Élodie Dupont' })).toBe('elodie-dupont');
    expect(loginNameFrom({ email: 'j.smith@example.org' })).toBe('j.smith');
    expect(loginNameFrom({ preferred_username: '***', sub: '248289761001' })).toBe('248289761001');
    expect(loginNameFrom({})).toBe('user');
    expect(uniqueName('root', new Set(['root', 'root-2']))).toBe('root-3');
  });

  it('returns only to paths of this server', () => {
    expect(safeNextPath('/notebooks/a?b=1#c')).toBe('/notebooks/a?b=1#c');
    for (const bad of [null, '', 'https://x.org', '//x.org', '/\\x.org', '/a\nb', '/login', '/setup?token=x']) expect(safeNextPath(bad), String(bad)).toBe('/');
  });
});

describe('API token rate', () => {
  it('allows a burst of the limit, then one request per share of a minute', () => {
    let t = 0;
    const rate = new RateLimiter({ perMinute: 2, maxKeys: 10 }, () => t);
    expect([rate.take('a'), rate.take('a'), rate.take('a')]).toEqual([0, 0, 30]);
    expect(rate.take('b')).toBe(0);
    t = 29_000;
    expect(rate.take('a')).toBe(1);
    t = 30_000;
    expect(rate.take('a')).toBe(0);
    expect(rate.take('a')).toBe(30);
  });
});
