/**
 * Password hashing with argon2id (node-argon2: the reference implementation, prebuilt).
 * Verifying an unknown name still hashes, against a dummy, so the answer's timing does
 * not tell which names exist.
 */
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

export interface HashParams {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** node-argon2's defaults (64 MiB, 3 passes, 4 lanes): ~130 ms here, above OWASP's minimum. */
export const DEFAULT_HASH_PARAMS: HashParams = { memoryCost: 65536, timeCost: 3, parallelism: 4 };

export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(readonly params: HashParams = DEFAULT_HASH_PARAMS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** True when `password` matches `stored`; a malformed stored hash never matches. */
  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(stored, password);
    } catch {
      return false;
    }
  }

  /** Spends the time a real verification would, for a name that has no account. */
  async verifyNobody(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummy, password);
    return false;
  }

  /** The stored hash was made with other parameters: rehash at the next successful login. */
  outdated(stored: string): boolean {
    try {
      return argon2.needsRehash(stored, this.params);
    } catch {
      return true;
    }
  }
}

/** A password for an account made without one: 20 characters from a 56-letter alphabet (~116 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const out: string[] = [];
  while (out.length < 20) {
    const b = randomBytes(1)[0]!;
    // Rejection sampling keeps every letter equally likely.
    if (b < 224) out.push(alphabet[b % 56]!);
  }
  return out.join('');
}
