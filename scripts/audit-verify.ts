// npm run audit:verify – recomputes the audit trail's hash chain and names the first event that
// breaks it. Exit 0: intact (the head is printed: note it somewhere else, and a later run that
// passes the same point proves nothing before it was rewritten). Exit 1: broken, or no database.
import { configFromEnv, openDatabase } from "../db/client";
import { verifyAuditChain } from "../lib/queries/audit-chain";
import { runCli } from "./cli";

runCli(async () => {
  const config = configFromEnv();
  // The owner may read where a runtime role cannot be given the password.
  const handle = await openDatabase({ ...config, databaseUrl: config.migrationUrl ?? config.databaseUrl });
  try {
    const report = await verifyAuditChain(handle.db);
    if (report.ok) {
      console.log(
        `audit: ${report.events} events, chain intact${report.head ? ` (head: event ${report.head.seq}, ${report.head.hash})` : ""}`,
      );
      return 0;
    }
    const where =
      report.broken.seq === null
        ? `event #${report.broken.id}`
        : `event #${report.broken.id} (number ${report.broken.seq} in the chain)`;
    console.error(`audit: chain broken at ${where}: ${report.broken.reason}`);
    return 1;
  } finally {
    await handle.close();
  }
});
