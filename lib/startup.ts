import { setting } from "./config";
import { closeDbForShutdown, getDb } from "@/db/client";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "@/db/seed/demo";
import { issueSetupToken } from "@/lib/services/settings";
import { type BackgroundWork, startBackgroundWork } from "./background";
import { resolveAuthSecret } from "./auth/secret";
import { configurationProblems } from "./config";
import { describeError } from "./errors";
import { processHub } from "./live/process-hub";
import { closeFlagEventStreams } from "@/lib/flags/process";
import { processStreams } from "./live/stream-registry";
import { log } from "./observability/log";
import {
  createShutdown,
  finishRequests,
  handleShutdownSignals,
  isDraining,
  type ShutdownStep,
  shutdownDelayMs,
  shutdownGraceMs,
} from "./ops/shutdown";

// Runs once per server process before it takes requests: open the database, apply migrations,
// load the demo into an empty database when allowed. Bad configuration ends the process with
// one clear line instead of a stack trace. In production it also takes over SIGTERM and SIGINT,
// so the process drains and closes what it opened (see lib/ops/shutdown.ts).

export function shouldSeedDemo(env: NodeJS.ProcessEnv): boolean {
  return setting("PHASEGATE_DEMO_SEED", env);
}

/**
 * What an app process does when asked to stop, in order, within the grace period: tell load
 * balancers (health 503) for the configured delay, end the live streams with a hint to reconnect
 * elsewhere, let the background jobs finish their runs (their row locks and webhook claims are
 * settled by those runs), stop listening for HTTP once the requests in flight are answered, stop
 * the LISTEN connection, and close the database (ending the pool drops any lock a connection
 * still held; PGlite's folder lock is removed).
 */
export function shutdownSteps(env: NodeJS.ProcessEnv, background: () => BackgroundWork | null): ShutdownStep[] {
  const grace = shutdownGraceMs(env);
  const delay = Math.min(shutdownDelayMs(env), Math.floor(grace / 2));
  const share = (part: number) => Math.max(100, Math.floor((grace - delay) * part));
  return [
    ...(delay
      ? [
          {
            name: "let load balancers notice",
            timeoutMs: delay + 100,
            run: () => new Promise((resolve) => setTimeout(resolve, delay)),
          },
        ]
      : []),
    { name: "close live streams", timeoutMs: share(0.05), run: () => processStreams().closeAll() },
    { name: "close flag event streams", timeoutMs: share(0.02), run: closeFlagEventStreams },
    { name: "finish background jobs", timeoutMs: share(0.35), run: () => background()?.stop() },
    { name: "finish requests in flight", timeoutMs: share(0.3), run: finishRequests },
    { name: "stop listening for events", timeoutMs: share(0.1), run: () => processHub().close() },
    { name: "close the database", timeoutMs: share(0.2), run: closeDbForShutdown },
  ];
}

export async function startServer(): Promise<void> {
  let background: BackgroundWork | null = null;
  // Every setting first: a bad value stops the process in one line naming it.
  const problem = configurationProblems(process.env).at(0);
  if (problem) {
    console.error(`phasegate: cannot start: ${problem}`);
    process.exit(1);
  }
  // Production only: `next dev` keeps its own handler, which also cleans up its bundler.
  if (process.env.NODE_ENV === "production") {
    handleShutdownSignals(
      createShutdown({
        graceMs: shutdownGraceMs(process.env),
        steps: () => shutdownSteps(process.env, () => background),
      }),
    );
  }
  try {
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
      console.log(
        `phasegate: no users yet: open ${baseUrl()}/setup and create the first admin with the one-time setup token:`,
      );
      console.log(`phasegate: setup token ${setupToken}`);
    }
    if (setting("PHASEGATE_BACKGROUND") && !isDraining()) background = startBackgroundWork();
  } catch (error) {
    // Stopped while starting: the shutdown closed the database under us and ends the process itself.
    if (isDraining()) return;
    console.error(`phasegate: cannot start: ${describeError(error)}`);
    process.exit(1);
  }
}

function baseUrl() {
  return `http://localhost:${setting("PORT")}`;
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
