import { getDb } from "@/db/client";
import { DEMO_USERS, seedDemo } from "@/db/seed/demo";
import { describeError } from "./errors";

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
    const handle = await getDb();
    const migrations = await handle.migrationsApplied();
    console.log(`phasegate: database ready (${handle.target}, ${migrations} migration${migrations === 1 ? "" : "s"} applied)`);
    if (shouldSeedDemo(process.env)) {
      const seeded = await seedDemo(handle.db);
      if (seeded) printDemoDetails(seeded.plans);
    }
  } catch (error) {
    console.error(`phasegate: cannot start: ${describeError(error)}`);
    process.exit(1);
  }
}

function printDemoDetails(plans: number) {
  const url = `http://localhost:${process.env.PORT ?? "3000"}`;
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  const lines = [
    `phasegate: demo data loaded (${plans} rollout plans in 3 projects)`,
    `phasegate: open ${url} to see the portfolio`,
    "phasegate: demo people (email — role):",
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(width)}  ${u.description}`),
  ];
  console.log(lines.join("\n"));
}
