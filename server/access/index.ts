export { createAccess, accessDirOf, type Access, type AccessOptions, type Subject } from './access.js';
export { requestScope, markingHook, markingHeader, exportScope } from './request.js';
export { accessRoutes } from './routes.js';
export * from './levels.js';
