// npm run bench:import – the Markdown importer at 100 KB and at 1 MB of mixed, real-looking
// content (the project's corpus of rollout documents, repeated under numbered headings), side by
// side, with the ratio. Reading is linear: ten times the input should take at most ~12× as long.
import fs from "node:fs";
import path from "node:path";
import { parsePlanMarkdown } from "../lib/domain/plan-markdown";
import { median } from "./support";

const RUNS = 7;
const dir = path.join(import.meta.dirname, "..", "tests", "fixtures", "plans");
const corpus = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()
  .map((f) => fs.readFileSync(path.join(dir, f), "utf8"));

/** Documents one after another until `bytes`, each demoted one heading level under a numbered part. */
function mixed(bytes: number): string {
  let out = "# Portfolio of rollout plans\n\n";
  for (let i = 0; Buffer.byteLength(out) < bytes; i++) {
    out += `## Part ${i + 1}\n\n${corpus[i % corpus.length]!.replace(/^(#{1,5}) /gm, "#$1 ")}\n\n`;
  }
  return out;
}

function time(markdown: string): number {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    parsePlanMarkdown(markdown);
    runs.push(performance.now() - started);
  }
  return median(runs);
}

const small = mixed(100_000);
const large = mixed(1_000_000);
time(small); // warm up
const a = time(small);
const b = time(large);
console.log(`Markdown import, ${RUNS} runs each (median), mixed real-looking content:`);
console.log(`  ${(Buffer.byteLength(small) / 1000).toFixed(0)} KB : ${a.toFixed(0)} ms`);
console.log(`  ${(Buffer.byteLength(large) / 1000).toFixed(0)} KB : ${b.toFixed(0)} ms`);
console.log(
  `  ratio 1 MB / 100 KB : ${(b / a).toFixed(1)}× for ${(Buffer.byteLength(large) / Buffer.byteLength(small)).toFixed(1)}× the input (target ≤ 12×)`,
);
