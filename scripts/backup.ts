// npm run backup [-- file] – the configured database into one file: pg_dump custom format for
// PostgreSQL (DATABASE_URL, read as MIGRATION_DATABASE_URL's owner when set), PGlite's own dump
// for the embedded database (stop the dashboard first: PGlite serves one process per folder).
import path from "node:path";
import { configFromEnv } from "../db/client";
import { backupDatabase } from "../lib/ops/backup";
import { runCli } from "./cli";

runCli(async () => {
  const config = configFromEnv();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.resolve(
    process.argv[2] ??
      `phasegate-${config.databaseUrl ? "postgres" : "pglite"}-${stamp}.${config.databaseUrl ? "dump" : "tar.gz"}`,
  );
  const result = await backupDatabase(config, file);
  console.log(
    `backup: ${result.target} → ${result.file} (${result.kind === "postgres" ? "pg_dump custom format" : "PGlite dump"}, ${(result.bytes / 1024).toFixed(0)} KiB)`,
  );
  console.log(
    `restore it into an empty database with: npm run restore -- ${path.relative(process.cwd(), result.file)}`,
  );
});
