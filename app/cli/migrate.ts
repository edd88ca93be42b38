import { ensureDatabase, migrate } from "~/db/migrate.server";
import { env } from "~/env.server";

const databaseUrl = env().DATABASE_URL;
try {
  if (await ensureDatabase(databaseUrl))
    console.log(`Created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const result = await migrate({ databaseUrl });
  for (const name of result.applied) console.log(`Applied ${name}`);
  console.log(
    result.applied.length === 0
      ? `Database is up to date (${result.alreadyApplied} migrations).`
      : `Applied ${result.applied.length} migration(s).`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
