// Prisma 6 config for check.mjs: `engine: "js"` runs the schema engine compiled to WASM (shipped in the
// prisma package) through a driver adapter instead of the native engine, which cannot be downloaded offline.
// Main and shadow database are in-process PGlite (./pglite-adapter.mjs). The schema and migrations paths
// are given on the command line.
import { defineConfig } from 'prisma/config';
import { pgliteAdapterFactory } from './pglite-adapter.mjs';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => pgliteAdapterFactory(),
});
