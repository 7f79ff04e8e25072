/** Random tokens and their stored form. Only hashes of tokens are ever written to disk. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Short random identifier (not a secret). */
export const randomId = (bytes = 8): string => randomBytes(bytes).toString('hex');

/** How a token is stored: sha256 hex. A plain hash suffices because tokens have 256 bits of entropy. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Equal strings, compared in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
