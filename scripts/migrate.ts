// npm run db:migrate – applies db/migrations to the configured database as its owner:
// MIGRATION_DATABASE_URL when set, else DATABASE_URL, else the embedded PGlite folder.
import { configFromEnv, openDatabase } from "../db/client";
import { runCli } from "./cli";

runCli(async () => {
  const config = configFromEnv();
  const handle = await openDatabase({
    ...config,
    databaseUrl: config.migrationUrl ?? config.databaseUrl,
    migrationUrl: undefined,
  });
  try {
    const n = await handle.migrate();
    console.log(`phasegate: ${handle.target} is at migration ${n}`);
  } finally {
    await handle.close();
  }
});
