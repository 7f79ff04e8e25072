import { Hono } from 'hono';
import type { AppDeps } from './deps.js';
import { errorResponse } from './errors.js';
import { datasetRoutes } from './routes/datasets.js';
import { queryRoutes } from './routes/query.js';
import { resultRoutes } from './routes/results.js';
import { notebookRoutes } from './routes/notebooks.js';
import { staticHandler } from './static.js';
import { sessionMiddleware } from './session.js';
import { authRoutes } from './routes/auth.js';
import { exportRoutes } from './routes/export.js';
import { accessRoutes, notebookGuard } from '../access/index.js';
import { historyRoutes } from './routes/history.js';
import { directoryRoutes, sharingRoutes } from './routes/sharing.js';
import { requireNotebookRole } from '../access/index.js';
import { adminRoutes } from './routes/admin.js';
import { oidcRoutes } from './routes/oidc.js';

/** The HTTP API and the built client. One sub-app per resource; errors mapped in one place. */
export function createApp(deps: AppDeps) {
  const api = new Hono()
    .route('/auth', authRoutes(deps.auth, {}, async () => deps.liveAccess?.recheck(null)))
    .route('/auth', oidcRoutes({ auth: deps.auth, oidc: deps.oidc ?? null }))
    .route('/datasets', datasetRoutes(deps))
    .route('/results', resultRoutes(deps))
    .route('/notebooks', notebookRoutes(deps))
    .route('/notebooks', exportRoutes(deps))
    .route('/notebooks', sharingRoutes(deps))
    .route('/directory', directoryRoutes(deps))
    .route('/', queryRoutes(deps))
    .get('/sql-vocabulary', async (c) => c.json(await deps.vocabulary()))
    .get('/health', (c) => c.json({ ok: true }));
  if (deps.access) api.route('/access', accessRoutes({ ...deps, access: deps.access }));
  api.route('/admin', adminRoutes(deps));
  if (deps.history) {
    const guard = notebookGuard(deps);
    api.route('/notebooks', historyRoutes({ history: deps.history, notebooks: deps.notebooks, mayOpen: async (user, id, needed, action) => void (await requireNotebookRole(guard, user, id, needed, action)) }));
  }
  const app = new Hono();
  app.onError(errorResponse);
  app.use('*', sessionMiddleware(deps.auth));
  app.route('/api', api);
  app.all('/api/*', (c) => c.json({ error: { message: `no such API route: ${c.req.method} ${c.req.path}` } }, 404));
  if (deps.config.clientDir) app.get('*', staticHandler(deps.config.clientDir));
  return app;
}
