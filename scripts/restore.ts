// npm run restore -- file – a backup into an empty database: a new PostgreSQL database
// (DATABASE_URL, or MIGRATION_DATABASE_URL's owner) or a new PGlite folder (PGLITE_DIR). Ends by
// checking the migrations and the audit trail's hash chain.
import { configFromEnv } from "../db/client";
import { restoreDatabase } from "../lib/ops/backup";
import { runCli } from "./cli";

runCli(async () => {
  const file = process.argv[2];
  if (!file) {
    console.error("phasegate: name the backup file: npm run restore -- phasegate-….dump");
    return 1;
  }
  const result = await restoreDatabase(configFromEnv(), file);
  console.log(
    `restore: ${file} → ${result.target}: ${result.migrations} migrations, ${result.auditEvents} audit events, chain ${result.auditIntact ? "intact" : "BROKEN (run npm run audit:verify)"}`,
  );
  if (result.kind === "postgres")
    console.log(
      "roles and grants are not in the backup: run npm run db:roles against the new database if the app uses separate roles",
    );
  return result.auditIntact ? 0 : 1;
});
