/**
 * API tokens for scripts (`Authorization: Bearer cnt_…`), in `<stateDir>/auth/tokens.json`.
 * The token is shown once when made; only its sha256 is kept. Revoked tokens stay in the
 * file (with the time) so `carnet token list` shows what existed.
 */
import { BadRequestError, NotFoundError } from '../errors.js';
import { JsonFile } from './json-file.js';
import { randomId, randomToken, tokenHash } from './secrets.js';

export const TOKEN_PREFIX = 'cnt_';

export interface ApiToken {
  id: string;
  userId: string;
  /** A label saying what the token is for. */
  name: string;
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

export class TokenStore {
  private readonly file: JsonFile<{ tokens: ApiToken[] }>;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = new JsonFile(path, () => ({ tokens: [] }), validateTokens);
  }

  async list(): Promise<ApiToken[]> {
    return (await this.file.read()).tokens;
  }

  /** Makes a token for a user; the returned `token` is the only time it exists in clear. */
  create(userId: string, label: string): Promise<{ token: string; record: ApiToken }> {
    const name = label.trim() || 'api token';
    if (name.length > 100) throw new BadRequestError(`token name is too long (${name.length} characters; at most 100)`);
    const token = TOKEN_PREFIX + randomToken();
    const record: ApiToken = { id: randomId(6), userId, name, hash: tokenHash(token), createdAt: this.now().toISOString() };
    return this.file.update((doc) => ({ doc: { tokens: [...doc.tokens, record] }, result: { token, record } }));
  }

  revoke(id: string): Promise<ApiToken> {
    return this.file.update((doc) => {
      const i = doc.tokens.findIndex((t) => t.id === id);
      if (i === -1) throw new NotFoundError(`no API token with id "${id.slice(0, 40)}" (carnet token list shows them)`);
      const tokens = [...doc.tokens];
      const revoked = { ...tokens[i]!, revokedAt: tokens[i]!.revokedAt ?? this.now().toISOString() };
      tokens[i] = revoked;
      return { doc: { tokens }, result: revoked };
    });
  }

  /** The live token record for a presented token, or null. */
  async resolve(token: string): Promise<ApiToken | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const hash = tokenHash(token);
    return (await this.list()).find((t) => t.hash === hash && !t.revokedAt) ?? null;
  }
}

function validateTokens(raw: unknown, path: string): { tokens: ApiToken[] } {
  const tokens = (raw as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new Error(`${path}: expected {"tokens": [...]}`);
  tokens.forEach((t: ApiToken, i) => {
    for (const k of ['id', 'userId', 'name', 'hash', 'createdAt'] as const) {
      if (typeof t?.[k] !== 'string') throw new Error(`${path}: tokens[${i}].${k} must be a string`);
    }
    if (t.revokedAt !== undefined && typeof t.revokedAt !== 'string') throw new Error(`${path}: tokens[${i}].revokedAt must be a string`);
  });
  return { tokens };
}
