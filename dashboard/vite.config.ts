import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves dist/ at `/` and the app routes with a hash router, so relative asset URLs suffice.
// In `vite` dev mode, /api is proxied to a locally running API (GENBENCH_API_URL, default port 3000).
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // react-admin + MUI + react-router are ~370 kB gzipped together and load on every page; recharts
    // is split off (compare view and the model page's history). Warn only if the entry chunk grows well
    // beyond that baseline.
    chunkSizeWarningLimit: 1400,
  },
  server: {
    proxy: { '/api': process.env.GENBENCH_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
