/** Words for a refused sign-in, in the interface language. */
import { t } from '../i18n/index.js';
import type { Outcome } from './api.js';

/** The sentence shown for a failed login or password change. */
export function refusalText(o: Extract<Outcome<unknown>, { ok: false }>, wrongKey: 'auth.login.wrong' | 'auth.password.wrong'): string {
  if (o.status === 429 && o.retryAfter !== undefined) return t('auth.login.throttled', { seconds: Math.max(1, Math.ceil(o.retryAfter)) });
  if (o.status === 401 && wrongKey === 'auth.login.wrong') return t('auth.login.wrong');
  if (o.status === 403 && wrongKey === 'auth.password.wrong' && /current password/.test(o.message)) return t('auth.password.wrong');
  if (o.status === 403 && /disabled/.test(o.message)) return t('auth.login.disabled');
  return t('auth.error', { message: o.message });
}
