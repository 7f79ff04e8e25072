/**
 * The single sign-on settings (CARNET_OIDC_*), read and checked once at start. Pure:
 * every problem is an Error naming the variable, so a typo stops the server instead of
 * leaving a login button that cannot work.
 */
import { normaliseGroup, type GroupRoles } from './external.js';

export interface OidcConfig {
  /** Issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back; absent: this server's own /api/auth/oidc/callback. */
  redirectUrl?: string;
  /** The sign-in button's label. */
  name: string;
  scopes: string[];
  /** Claim holding the groups (exact name, or a dotted path). */
  groupsClaim: string;
  groups: GroupRoles;
}

export const DEFAULT_OIDC_SCOPES = ['openid', 'profile', 'email', 'groups'];
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

/** Null when CARNET_OIDC_ISSUER is unset: single sign-on is off. */
export function parseOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  const issuerRaw = env.CARNET_OIDC_ISSUER?.trim();
  if (!issuerRaw) {
    const stray = ['CARNET_OIDC_CLIENT_ID', 'CARNET_OIDC_CLIENT_SECRET'].find((k) => env[k]);
    if (stray) throw new Error(`${stray} is set but CARNET_OIDC_ISSUER is not: set the provider's issuer URL too, or unset ${stray}`);
    return null;
  }
  const issuer = httpUrl(issuerRaw, 'CARNET_OIDC_ISSUER');
  if (issuer.search || issuer.hash) throw new Error(`CARNET_OIDC_ISSUER=${issuerRaw}: an issuer has no query or fragment`);
  const clientId = required(env, 'CARNET_OIDC_CLIENT_ID', 'the client id registered for Carnet at the provider');
  const clientSecret = required(env, 'CARNET_OIDC_CLIENT_SECRET', 'the client secret registered for Carnet at the provider');
  const redirectRaw = env.CARNET_OIDC_REDIRECT_URL?.trim();
  const redirect = redirectRaw ? httpUrl(redirectRaw, 'CARNET_OIDC_REDIRECT_URL') : undefined;
  // A proxy may add a prefix; the path must still reach this server's callback.
  if (redirect && !redirect.pathname.endsWith(OIDC_CALLBACK_PATH)) {
    throw new Error(`CARNET_OIDC_REDIRECT_URL=${redirectRaw}: the path must end with ${OIDC_CALLBACK_PATH}`);
  }
  if (redirect && (redirect.search || redirect.hash)) throw new Error(`CARNET_OIDC_REDIRECT_URL=${redirectRaw}: no query or fragment`);
  const name = (env.CARNET_OIDC_NAME ?? '').trim() || 'Single sign-on';
  if (name.length > 60 || /[\u0000-\u001f\u007f]/.test(name)) throw new Error(`CARNET_OIDC_NAME: at most 60 characters, no control characters`);
  const scopes = (env.CARNET_OIDC_SCOPES ?? '').trim() ? env.CARNET_OIDC_SCOPES!.trim().split(/[\s,]+/) : DEFAULT_OIDC_SCOPES;
  const badScope = scopes.find((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
  if (badScope !== undefined) throw new Error(`CARNET_OIDC_SCOPES: "${badScope.slice(0, 40)}" is not a valid scope`);
  if (!scopes.includes('openid')) throw new Error(`CARNET_OIDC_SCOPES=${env.CARNET_OIDC_SCOPES}: must include "openid"`);
  const groupsClaim = (env.CARNET_OIDC_GROUPS_CLAIM ?? '').trim() || 'groups';
  if (groupsClaim.length > 200 || /\s/.test(groupsClaim)) throw new Error(`CARNET_OIDC_GROUPS_CLAIM=${groupsClaim.slice(0, 60)}: a claim name, without spaces`);
  return {
    issuer: issuerRaw,
    clientId,
    clientSecret,
    ...(redirect ? { redirectUrl: redirect.href } : {}),
    name,
    scopes: [...new Set(scopes)],
    groupsClaim,
    groups: { admin: groupList(env, 'CARNET_OIDC_ADMIN_GROUPS'), analyst: groupList(env, 'CARNET_OIDC_ANALYST_GROUPS') },
  };
}

function required(env: NodeJS.ProcessEnv, key: string, what: string): string {
  const v = env[key]?.trim();
  if (!v) throw new Error(`${key} is not set: single sign-on (CARNET_OIDC_ISSUER) needs ${what}`);
  if (v.length > 1000) throw new Error(`${key}: too long (${v.length} characters)`);
  return v;
}

/**
 * An http(s) URL. Plain http only to this machine (a provider run next to Carnet, or a
 * test): elsewhere the codes and secrets would cross the network in clear.
 */
function httpUrl(raw: string, key: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`${key}=${raw.slice(0, 100)}: not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new Error(`${key}=${raw.slice(0, 100)}: must be an https:// URL (http:// only for localhost)`);
  }
  return u;
}

/** A comma list of group names, in the normalised form the claim's groups are compared in. */
function groupList(env: NodeJS.ProcessEnv, key: string): string[] {
  const raw = env[key] ?? '';
  const out = new Set<string>();
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const g = normaliseGroup(part);
    if (g === null) throw new Error(`${key}: "${part.trim().slice(0, 40)}" is not a group name`);
    out.add(g);
  }
  return [...out];
}
