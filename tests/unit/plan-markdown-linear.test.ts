import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parsePlanMarkdown, planDocumentSchema } from "@/lib/domain/plan-markdown";
import { numbersIn, readDays, readHoldMinutes, readPercent, readQuantity } from "@/lib/domain/plan-markdown/text";

// Reading a document takes time proportional to its size, whatever it holds. A quadratic pattern
// shows as a ratio: four times the input took sixteen times as long (a 16,000-digit cell took
// 741 ms in the importer this replaced). Each shape is timed at two sizes, best of three, and the
// larger may take at most ten times as long as the smaller for four times the input; a busy
// machine slows both alike. Sizes are large enough that a run takes tens of milliseconds.

function bestOf(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function growth(make: (n: number) => string, n: number, read: (text: string) => unknown = parsePlanMarkdown): number {
  const small = make(n);
  const large = make(n * 4);
  read(small); // warm up
  const a = bestOf(3, () => read(small));
  const b = bestOf(3, () => read(large));
  return b / Math.max(a, 1);
}

const shapes: [string, (n: number) => string, number][] = [
  [
    "a run of digits in a table cell",
    (n) => `# Plan\n\n| Stage | Traffic |\n|---|---|\n| 1 | ${"1".repeat(n)}% |\n`,
    40_000,
  ],
  [
    "digit runs with percent signs and dashes in prose",
    (n) => `# Plan\n\n## Rollout\n\n${"5-".repeat(n / 2)}10% ${"9".repeat(n / 2)}\n`,
    40_000,
  ],
  ["blockquotes nested deep", (n) => `# Plan\n\n${">".repeat(n)} deep\n`, 40_000],
  [
    "a list indented deeper and deeper",
    (n) => `# Plan\n\n${Array.from({ length: n / 40 }, (_, i) => `${" ".repeat(i * 2)}- item ${i}`).join("\n")}\n`,
    40_000,
  ],
  [
    "a long table of stages",
    (n) =>
      `# Plan\n\n| Stage | Traffic | Duration |\n|---|---|---|\n${Array.from({ length: n / 30 }, (_, i) => `| Stage ${i} | ${i % 100}% | ${i % 9} days |`).join("\n")}\n`,
    60_000,
  ],
  [
    "thousands of headings with Target lines",
    (n) =>
      `# Plan\n\n## Phases\n\n${Array.from({ length: n / 40 }, (_, i) => `### Step ${i}\n**Target:** ${i % 100}% users\n`).join("\n")}`,
    60_000,
  ],
  [
    "comparison words without numbers",
    (n) => `# Plan\n\n## Rollback triggers\n\n- ${"more than above below ".repeat(n / 22)}\n`,
    40_000,
  ],
];

// Each shape reads a few hundred kilobytes six times: minutes on a loaded 2-core machine.
const ROOM = 240_000;

describe("linear time", () => {
  test.each(shapes)("%s", { timeout: ROOM }, (_, make, n) => {
    expect(growth(make, n)).toBeLessThan(10);
  });

  test.each([
    ["readPercent", readPercent],
    ["readQuantity", readQuantity],
    ["readDays", readDays],
    ["readHoldMinutes", readHoldMinutes],
    ["numbersIn", numbersIn],
  ] as const)("%s on a run of digits", { timeout: ROOM }, (_, read) => {
    expect(growth((n) => `${"1".repeat(n)}%`, 4_000, read as (t: string) => unknown)).toBeLessThan(10);
  });

  // How long a megabyte takes is bench:import's to measure; here it must simply finish (a
  // quadratic reader needs hours) and give a valid document.
  test("a megabyte of mixed content reads as a valid plan document", { timeout: ROOM }, () => {
    const row = "| Stage 3 | 25% | 1-2 weeks | KPIs green for 48 h |\n";
    const doc = `# Big plan\n\n## Stages\n\n| Stage | Traffic | Duration | Exit criteria |\n|---|---|---|---|\n${row.repeat(Math.ceil(1_000_000 / row.length))}`;
    expect(planDocumentSchema.safeParse(parsePlanMarkdown(doc)).success).toBe(true);
  });
});

// Random documents from the characters Markdown cares about: whatever arrives, the reader returns
// a valid plan document (or says the nesting is too deep), and never throws anything else.
const markdownChar = fc.constantFrom(
  "#",
  " ",
  "\n",
  "|",
  "-",
  "*",
  "_",
  ">",
  "`",
  "[",
  "]",
  "(",
  ")",
  "%",
  "1",
  "5",
  "0",
  ",",
  ".",
  ":",
  "<",
  ">",
  "x",
  "a",
  "Tahap",
  "Stage",
  "Target",
  "error rate",
  "selama",
  "menit",
  "for",
  "5 min",
  "**",
);

test("property: any document reads as a valid plan document", () => {
  fc.assert(
    fc.property(
      fc.array(markdownChar, { maxLength: 400 }).map((parts) => parts.join("")),
      (markdown) => {
        const plan = parsePlanMarkdown(markdown);
        expect(planDocumentSchema.safeParse(plan).error?.issues ?? []).toEqual([]);
      },
    ),
    { numRuns: 300 },
  );
});
