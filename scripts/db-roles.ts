// npm run db:roles – least privilege on PostgreSQL. Applies pending migrations as the owner
// (MIGRATION_DATABASE_URL), then creates or updates the app's runtime role (the user and password
// in DATABASE_URL) and, when EDGE_DATABASE_URL is set, the edge evaluators' read-only role, and
// grants each only what it needs. Run it as a role that may create roles (a superuser, or an
// owner with CREATEROLE); running it again is safe.
import { openDatabase } from "../db/client";
import { loginFromUrl, setUpRoles } from "../db/roles";
import { setting } from "../lib/config";
import { AppError } from "../lib/errors";
import { runCli } from "./cli";

runCli(async () => {
  const ownerUrl = setting("MIGRATION_DATABASE_URL");
  const runtimeUrl = setting("DATABASE_URL");
  const edgeUrl = setting("EDGE_DATABASE_URL");
  if (!ownerUrl || !runtimeUrl) {
    throw new AppError(
      "config:database",
      "set MIGRATION_DATABASE_URL (the owner, who may create roles) and DATABASE_URL (the app's runtime role, user and password); EDGE_DATABASE_URL adds the edge's read-only role",
    );
  }
  const handle = await openDatabase({ databaseUrl: ownerUrl });
  try {
    const n = await handle.migrate();
    console.log(`phasegate: ${handle.target} is at migration ${n}`);
  } finally {
    await handle.close();
  }
  const done = await setUpRoles({
    ownerUrl,
    runtime: loginFromUrl(runtimeUrl, "DATABASE_URL"),
    edge: edgeUrl ? loginFromUrl(edgeUrl, "EDGE_DATABASE_URL") : null,
  });
  for (const line of done) console.log(`phasegate: ${line}`);
});
