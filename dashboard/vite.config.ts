import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Chunks of the modules the first page needs, by how often they change: React, MUI (with emotion and
// popper), the rest of react-admin's stack (ra-core, ra-ui-materialui, react-router, react-query,
// react-hook-form, lodash…), then our own code. A release that changes only src/ invalidates `app` alone.
// `$initial` keeps each group to modules statically reachable from the entry, so what only a lazy page
// uses (recharts, the submit form's dropzone, MUI's Grid…) still loads with that page (see App.tsx).
const firstPageChunks = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
  { name: 'mui', test: /node_modules[\\/](@mui|@emotion|@popperjs|stylis|react-transition-group)[\\/]/, priority: 20, tags: ['$initial'] },
  { name: 'vendor', test: /node_modules[\\/]/, priority: 10, tags: ['$initial'] },
  { name: 'app', test: /[\\/]src[\\/]/, priority: 5, tags: ['$initial'] },
] satisfies Array<{ name: string; test: RegExp; priority: number; tags?: Array<'$initial'> }>;

// The API serves dist/ at `/` and the app routes with a hash router, so relative asset URLs suffice.
// In `vite` dev mode, /api is proxied to a locally running API (GENBENCH_API_URL, default port 3000).
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: { output: { codeSplitting: { groups: firstPageChunks } } },
    // The largest chunks (vendor, mui, and recharts in the compare and model pages) are 375–460 kB
    // minified; warn when one grows well beyond that.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': process.env.GENBENCH_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
