// npm run db:migrate – applies db/migrations to the configured database (DATABASE_URL or PGlite).
import { configFromEnv, openDatabase } from "../db/client";
import { runCli } from "./cli";

runCli(async () => {
  const handle = await openDatabase(configFromEnv());
  try {
    const n = await handle.migrate();
    console.log(`phasegate: ${handle.target} is at migration ${n}`);
  } finally {
    await handle.close();
  }
});
