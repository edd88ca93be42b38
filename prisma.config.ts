// Prisma CLI configuration. The driver adapter lets `prisma migrate diff` run on Prisma's bundled
// WebAssembly schema engine, so writing migrations needs no engine download. Migrations are
// applied by `npm run db:migrate` (app/cli/migrate.ts), which keeps Prisma's own bookkeeping.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    }),
});
