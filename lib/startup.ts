import { getDb } from "@/db/client";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "@/db/seed/demo";
import { issueSetupToken } from "@/lib/services/settings";
import { startBackgroundWork } from "./background";
import { resolveAuthSecret } from "./auth/secret";
import { configurationProblems } from "./config";
import { AppError, describeError } from "./errors";
import { log } from "./observability/log";

// Runs once per server process before it takes requests: open the database, apply migrations,
// load the demo into an empty database when allowed. Bad configuration ends the process with
// one clear line instead of a stack trace.

export function shouldSeedDemo(env: NodeJS.ProcessEnv): boolean {
  if (env.PHASEGATE_DEMO_SEED === "1") return true;
  if (env.PHASEGATE_DEMO_SEED === "0") return false;
  return env.NODE_ENV !== "production";
}

export async function startServer(): Promise<void> {
  try {
    const problem = configurationProblems(process.env).at(0);
    if (problem) throw new AppError("config:database", problem);
    const handle = await getDb();
    // After the database: the embedded one's folder is checked (and named) first.
    resolveAuthSecret();
    const migrations = await handle.migrationsApplied();
    log().info({ database: handle.target, migrations }, "database ready");
    if (shouldSeedDemo(process.env)) {
      const seeded = await seedDemo(handle.db);
      if (seeded) printDemoDetails(seeded.plans);
    }
    const setupToken = await issueSetupToken(handle.db);
    if (setupToken) {
      console.log(`phasegate: no users yet: open ${baseUrl()}/setup and create the first admin with the one-time setup token:`);
      console.log(`phasegate: setup token ${setupToken}`);
    }
    if (process.env.PHASEGATE_BACKGROUND !== "0") startBackgroundWork();
  } catch (error) {
    console.error(`phasegate: cannot start: ${describeError(error)}`);
    process.exit(1);
  }
}

function baseUrl() {
  return `http://localhost:${process.env.PORT ?? "3000"}`;
}

function printDemoDetails(plans: number) {
  const url = baseUrl();
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  const lines = [
    `phasegate: demo data loaded (${plans} rollout plans in 3 projects)`,
    `phasegate: open ${url} and sign in as any demo person with the password ${DEMO_PASSWORD}`,
    "phasegate: demo people (email — role):",
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(width)}  ${u.description}`),
  ];
  console.log(lines.join("\n"));
}
