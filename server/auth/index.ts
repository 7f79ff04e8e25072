export { createAuth, authPaths, LOCAL_USER, NOT_SET_UP, type Auth, type AuthOptions, type Refusal, type Resolved, type SignedIn } from './auth.js';
export { UserStore, type NewUser, type LoginCheck } from './users.js';
export { SessionStore, DEFAULT_SESSION_TIMES, type Session, type SessionTimes } from './sessions.js';
export { TokenStore, TOKEN_PREFIX, type ApiToken } from './tokens.js';
export { Throttle, DEFAULT_THROTTLE, delayAfter, type ThrottleRules } from './throttle.js';
export { PasswordHasher, DEFAULT_HASH_PARAMS, generatePassword, type HashParams } from './password.js';
export { passwordProblem, userNameProblem, displayNameProblem, parseRole, normaliseName, MIN_PASSWORD } from './rules.js';
export * from './types.js';
