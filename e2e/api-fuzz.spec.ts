import { expect, test } from "@playwright/test";
import { DEFAULT_RUNS, type FuzzResult, formatReport, randomSeed, runFuzz, summaryLine } from "../tests/fuzz/run";

// The API fuzz (tests/fuzz; `npm run fuzz` runs the same thing from the command line): every
// /api/v1 and /ofrep/v1 operation gets requests generated from the OpenAPI document's schemas
// and hostile mutations of them — bad tokens, odd path parameters, malformed and oversized bodies.
// It runs against the production build on a server and database of its own (not the shared e2e
// PGlite server): a fresh PostgreSQL database on TEST_DATABASE_URL's server with the demo loaded,
// dropped after the server process has exited.
//
// FUZZ_SEED reproduces a run (the seed is printed); FUZZ_RUNS changes the request count;
// E2E_FUZZ_PORT picks the first port to try (3400–3499 by default).

const SKIP_REASON =
  "needs TEST_DATABASE_URL: the API fuzz creates and drops its own PostgreSQL database on that server";
if (!process.env.TEST_DATABASE_URL) console.warn(`api-fuzz e2e: skipped, ${SKIP_REASON}`);

function offendingRequests(result: FuzzResult, limit = 200): string {
  const lines = result.failures
    .slice(0, limit)
    .map(
      (f) =>
        `  #${f.index} ${f.request.method} ${f.request.path.slice(0, 160)} → ${f.status ?? "no answer"} [${f.symptom}] ${f.message.slice(0, 200)}`,
    );
  if (result.failures.length > limit) lines.push(`  … and ${result.failures.length - limit} more`);
  return lines.join("\n");
}

test.describe("API fuzz", () => {
  test.skip(!process.env.TEST_DATABASE_URL, SKIP_REASON);

  test("every /api/v1 and /ofrep/v1 operation answers generated and hostile requests within its contract", async () => {
    // A busy 2-core machine: setup (database, demo, server start) plus 2,000 sequential requests.
    test.setTimeout(30 * 60_000);
    const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : DEFAULT_RUNS;
    const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomSeed();
    const portFrom = Number(process.env.E2E_FUZZ_PORT ?? 3400);
    const result = await runFuzz({
      runs,
      seed,
      testDatabaseUrl: process.env.TEST_DATABASE_URL!,
      portFrom,
      portTo: Math.max(portFrom, Math.min(portFrom + 99, 65_535)),
      log: (line) => console.log(line),
    });
    const report = formatReport(result);
    console.log(report);
    console.log(summaryLine(result));
    await test
      .info()
      .attach("api-fuzz-report.txt", { body: `${report}\n\n${summaryLine(result)}\n`, contentType: "text/plain" });

    expect(result.requests, `${summaryLine(result)} (the run stopped early)`).toBe(runs);
    expect(
      result.failures.length,
      `${summaryLine(result)}; ${result.failures.length} failing requests in ${result.groups.length} groups (seed ${result.seed}; reproduce with FUZZ_SEED=${result.seed}, or npm run fuzz -- --seed ${result.seed})\n\nOffending requests:\n${offendingRequests(result)}\n\n${report}`,
    ).toBe(0);
  });
});
