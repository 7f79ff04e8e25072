export { LoginView } from './login-view.js';
export { SetupView } from './setup-view.js';
export { userMenu } from './user-menu.js';
export { authState, setSignedIn, setSignedOut, forgetAuth, gatePath } from './state.js';
export { authEn, authFr, type AuthMessageKey } from './messages.js';
export { safeNext, parseMe, type AuthState, type Me } from './api.js';
export { authGate, sessionLost } from './gate.js';
