import { defineConfig } from 'prisma/config';

// DATABASE_URL is read with a default rather than env(), which throws when unset and breaks `npm ci`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/genbench' },
});
