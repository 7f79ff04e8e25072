import { defineConfig } from 'vite';

/**
 * The browser client. `npx vite build` writes dist/client, which the server serves
 * on the same origin as the API. In development, `npx vite` proxies the API and the
 * collaboration websocket to a server started on CARNET_DEV_SERVER (default :8790).
 */
const devServer = process.env.CARNET_DEV_SERVER ?? 'http://localhost:8790';

export default defineConfig({
  root: 'client',
  // Absolute asset URLs: /n/<id> pages load the same bundle as /.
  base: '/',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': devServer,
      '/collab': { target: devServer.replace(/^http/, 'ws'), ws: true },
    },
  },
});
