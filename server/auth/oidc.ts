/**
 * Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256),
 * state and nonce, through openid-client (certified relying-party library). `start`
 * makes the provider URL and remembers the attempt server-side; `finish` checks the
 * browser's return, exchanges the code, reads the claims, decides the role from the
 * groups and signs the person in through Auth.loginExternal. Every refusal is audited.
 */
import * as client from 'openid-client';
import type { Auth, SignedIn } from './auth.js';
import { displayNameFrom, groupsFromClaims, loginNameFrom, roleForGroups } from './external.js';
import { LoginAttempts, type AttemptRules } from './login-attempts.js';
import type { OidcConfig } from './oidc-config.js';

/** Why a single sign-on failed, as a short code the login page words (`/login?error=oidc-<code>`). */
export const OIDC_ERROR_CODES = ['unavailable', 'expired', 'state', 'denied', 'provider', 'refused', 'disabled', 'failed'] as const;
export type OidcErrorCode = (typeof OIDC_ERROR_CODES)[number];

export type OidcOutcome = { ok: true; session: SignedIn; next: string } | { ok: false; code: OidcErrorCode; message: string; next: string };

export interface OidcLoginOptions {
  config: OidcConfig;
  auth: Auth;
  /** Clock for the attempts' lifetime (tests). */
  now?: () => number;
  attempts?: AttemptRules;
}

/** A failure with the code the login page words. */
export class OidcFailure extends Error {
  constructor(
    readonly code: OidcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where to return after signing in: a path of this server, else "/". Refuses absolute
 * and protocol-relative URLs ("//host", "/\host"), control characters, and the sign-in
 * pages themselves, so a crafted link cannot send a signed-in person elsewhere. Pure.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return '/';
  if (/[\u0000-\u001f\u007f]/.test(raw)) return '/';
  if (/^\/(login|setup)(?:[/?#]|$)/.test(raw)) return '/';
  return raw;
}

export type OidcLogin = ReturnType<typeof createOidcLogin>;

/** The single sign-on flow for one configured provider. Discovery happens at first use and is retried after a failure. */
export function createOidcLogin(opts: OidcLoginOptions) {
  const { config, auth } = opts;
  const attempts = new LoginAttempts(opts.attempts, opts.now);
  let discovered: Promise<client.Configuration> | null = null;

  const discover = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, undefined, client.ClientSecretBasic(config.clientSecret), {
        // Only loopback issuers may be http (checked in oidc-config.ts).
        ...(config.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((e: unknown) => {
        discovered = null;
        throw new OidcFailure('unavailable', `the identity provider ${config.issuer} cannot be reached: ${(e as Error).message}`);
      });
    return discovered;
  };

  const fail = async (code: OidcErrorCode, message: string, next: string, address?: string, details: Record<string, unknown> = {}): Promise<OidcOutcome> => {
    await auth.externalLoginFailed(message, { method: 'oidc', issuer: config.issuer, code, ...details }, address);
    return { ok: false, code, message, next };
  };

  return {
    /** The button's label. */
    name: config.name,
    /** CARNET_OIDC_REDIRECT_URL, when set; else the routes use the request's own origin. */
    redirectUrl: config.redirectUrl,

    /**
     * Starts a login: the provider's authorization URL, and the attempt key the caller
     * puts in a cookie. `redirectUri` is where the provider sends the browser back.
     * Throws when the provider cannot be reached (code "unavailable").
     */
    async start(next: string, redirectUri: string): Promise<{ url: string; attemptKey: string; next: string }> {
      const conf = await discover();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const safe = safeNextPath(next);
      const url = client.buildAuthorizationUrl(conf, {
        redirect_uri: redirectUri,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const attemptKey = attempts.add({ state, nonce, codeVerifier, redirectUri, next: safe });
      return { url: url.href, attemptKey, next: safe };
    },

    /**
     * Finishes a login from the provider's redirect: `attemptKey` from the cookie,
     * `callbackUrl` the URL the browser asked for (its query holds code, state, iss).
     */
    async finish(attemptKey: string | undefined, callbackUrl: URL, address?: string): Promise<OidcOutcome> {
      const attempt = attemptKey ? attempts.take(attemptKey) : null;
      if (!attempt) return fail('expired', 'this sign-in attempt has expired or was already used', '/', address);
      const { next } = attempt;
      const params = callbackUrl.searchParams;
      if (params.get('state') !== attempt.state) return fail('state', 'the provider answered with another sign-in attempt\'s state', next, address);
      const error = params.get('error');
      if (error !== null) {
        const text = `the identity provider refused: ${error.slice(0, 60)}${params.get('error_description') ? ` (${params.get('error_description')!.slice(0, 200)})` : ''}`;
        return fail(error === 'access_denied' ? 'denied' : 'provider', text, next, address);
      }
      let claims: Record<string, unknown>;
      try {
        const conf = await discover();
        const current = new URL(attempt.redirectUri);
        current.search = callbackUrl.search;
        const tokens = await client.authorizationCodeGrant(conf, current, {
          pkceCodeVerifier: attempt.codeVerifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new OidcFailure('provider', 'the identity provider returned no ID token');
        claims = { ...idClaims };
        // Many providers put the groups only in the userinfo answer (oidc-provider does by default).
        if (groupsFromClaims(claims, config.groupsClaim).groups.length === 0 && conf.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(conf, tokens.access_token, idClaims.sub);
          claims = { ...info, ...idClaims };
        }
      } catch (e) {
        if (e instanceof OidcFailure) return fail(e.code, e.message, next, address);
        return fail('provider', `the sign-in could not be completed with the identity provider: ${(e as Error).message.slice(0, 300)}`, next, address);
      }
      const sub = String(claims.sub);
      const { groups, truncated } = groupsFromClaims(claims, config.groupsClaim);
      const name = loginNameFrom(claims);
      const role = roleForGroups(groups, config.groups);
      if (!role) {
        return fail('refused', `"${name}" is in none of the groups allowed to use Carnet`, next, address, { name, sub, groups });
      }
      const identity = { source: { kind: 'oidc' as const, issuer: config.issuer, sub }, name, displayName: displayNameFrom(claims, name), role, groups };
      const r = await auth.loginExternal(identity, { method: 'oidc', sub, ...(truncated ? { groupsTruncated: true } : {}) }, address);
      if (!r.ok) return { ok: false, code: 'disabled', message: r.message, next };
      return { ok: true, session: r, next };
    },

    /** Attempts in flight (tests, diagnostics). */
    pendingAttempts: () => attempts.size,
  };
}
