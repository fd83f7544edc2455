// npm run fuzz -- [--runs N] [--seed S] [--port-from P] [--port-to Q] [--keep-db] [--json FILE] [--trace FILE]
// Fuzzes every /api/v1 and /ofrep/v1 operation of the production build (`npm run build` first)
// on a fresh PostgreSQL database created on TEST_DATABASE_URL's server (default
// postgres://postgres@127.0.0.1:5432/test), then prints every failure with the request that
// caused it. The last line is exactly `fuzz: N requests, M server errors`; the exit status is
// non-zero on any failure.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_RUNS, formatReport, randomSeed, runFuzz, summaryLine } from "../tests/fuzz/run";

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} takes a whole number, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      seed: { type: "string" },
      "port-from": { type: "string" },
      "port-to": { type: "string" },
      "stall-ms": { type: "string" },
      "keep-db": { type: "boolean" },
      json: { type: "string" },
      trace: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(
      "npm run fuzz -- [--runs N] [--seed S] [--port-from P] [--port-to Q] [--stall-ms MS] [--keep-db] [--json FILE] [--trace FILE]",
    );
    console.log("  --json FILE   the whole result (failures, groups, statuses per operation) as JSON");
    console.log(
      "  --trace FILE  one JSON line per request: what was sent, the status, the first 300 characters of the answer",
    );
    return 0;
  }
  const runs = int("runs", values.runs, DEFAULT_RUNS);
  const seed = int("seed", values.seed ?? process.env.FUZZ_SEED, randomSeed());
  const trace = values.trace ? fs.openSync(values.trace, "w") : null;
  const result = await runFuzz({
    ...(trace !== null ? { trace: (entry: object) => fs.writeSync(trace, `${JSON.stringify(entry)}\n`) } : {}),
    runs,
    seed,
    portFrom: int("port-from", values["port-from"], 3400),
    portTo: int("port-to", values["port-to"], 3499),
    stallMs: int("stall-ms", values["stall-ms"], 5_000),
    keepDatabase: !!values["keep-db"],
    log: (line) => console.log(line),
  });
  if (trace !== null) fs.closeSync(trace);
  console.log("");
  console.log(formatReport(result));
  if (values.json) {
    fs.writeFileSync(
      values.json,
      JSON.stringify(
        {
          ...result,
          coverage: {
            ...result.coverage,
            operations: result.coverage.operations.map((o) => `${o.method} ${o.template}`),
          },
        },
        null,
        2,
      ),
    );
    console.log(`fuzz: report written to ${values.json}`);
  }
  console.log(summaryLine(result));
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fuzz: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    console.error("fuzz: 0 requests, 0 server errors");
    process.exit(2);
  },
);
