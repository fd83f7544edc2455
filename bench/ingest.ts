// npm run bench:ingest – samples/s through Phasegate's ingest (validation, one transaction,
// upsert, minute and hour rollups, audit event, notify, trigger check) against a plain multi-row
// INSERT of the same rows through postgres.js, on the same server in the same run:
//   1. one pusher: the same batches, alternating which goes first each round;
//   2. ten concurrent pushers, each its own plan, against ten concurrent plain inserters.
// Prints both ratios against the ≥ 0.8 target. BENCH_ROUNDS, BENCH_BATCH, BENCH_PUSHERS tune it.
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { metrics } from "../db/schema";
import { ingestSamples } from "../lib/services/metrics";
import { createPlan } from "../lib/services/plans";
import { makeProject, makeUser } from "../tests/support/people";
import { median, withBenchDatabase } from "./support";

const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 3;
const PUSHERS = Number(process.env.BENCH_PUSHERS ?? 10);
const BATCHES_PER_PUSHER = Number(process.env.BENCH_PUSHER_BATCHES ?? 5);
const TARGET = 0.8;

interface Row {
  ts: number;
  value: number;
  cohort: "canary" | "baseline";
}

/** Consecutive batches of one series: a sample a second, canary and baseline alternating, well inside the retention. */
function series(): () => Row[] {
  let clock = Date.now() - 80 * 86_400_000;
  return () =>
    Array.from({ length: BATCH }, (_, i) => ({
      ts: (clock += 1000),
      value: Math.round(Math.random() * 1e6) / 1e4,
      cohort: i % 2 ? "baseline" : "canary",
    }));
}

const perSecond = (samples: number, ms: number) => samples / (ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const quartiles = (values: number[]): [number, number] => {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)]!, sorted[Math.floor((sorted.length * 3) / 4)]!];
};

await withBenchDatabase(async (handle, url) => {
  const project = await makeProject(handle.db, "bench");
  const rm = await makeUser(handle.db, { projectId: project.id, roles: ["release_manager", "engineer"] });
  const ctx = { db: handle.db, actor: rm, requestId: null };
  const newPlan = async (name: string) => {
    const { planId } = await createPlan(ctx, { projectId: project.id, template: "canary", name, releaseVersion: "1" });
    const defined = await handle.db.select().from(metrics).where(eq(metrics.planId, planId)).orderBy(metrics.position);
    // The service stores into the first KPI; the plain INSERT the same rows into the second.
    return { planId, pushed: defined[0]!, plain: defined[1]! };
  };
  const raw = postgres(url, { max: PUSHERS, onnotice: () => {} });
  const insertPlain = (metricId: string, rows: Row[]) =>
    raw`insert into samples ${raw(
      rows.map((r) => ({ metric_id: metricId, cohort: r.cohort, ts: new Date(r.ts), value: r.value })),
      "metric_id",
      "cohort",
      "ts",
      "value",
    )}`;
  const pushed = (key: string, rows: Row[]) =>
    rows.map((r) => ({ metric: key, ts: r.ts, value: r.value, cohort: r.cohort }));

  // 1. One pusher, alternating.
  const single = await newPlan("Bench");
  const next = series();
  const service: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const rows = next();
    const runService = async () => {
      const t = performance.now();
      await ingestSamples(ctx, single.planId, pushed(single.pushed.key, rows));
      return perSecond(BATCH, performance.now() - t);
    };
    const runPlain = async () => {
      const t = performance.now();
      await insertPlain(single.plain.id, rows);
      return perSecond(BATCH, performance.now() - t);
    };
    // Alternate which goes first, so neither always runs on a warmer cache.
    const first = round % 2 ? await runService() : await runPlain();
    const second = round % 2 ? await runPlain() : await runService();
    if (round < WARMUP) continue;
    service.push(round % 2 ? first : second);
    plain.push(round % 2 ? second : first);
  }
  const ratios = service.map((s, i) => s / plain[i]!);
  const [lo, hi] = quartiles(ratios);
  const ratio = median(service) / median(plain);
  console.log(`ingest, batch ${BATCH}, ${ROUNDS} rounds alternated (median):`);
  console.log(`  phasegate ingestSamples : ${fmt(median(service))} samples/s`);
  console.log(`  plain multi-row INSERT  : ${fmt(median(plain))} samples/s`);
  console.log(
    `  ratio phasegate / plain : ${ratio.toFixed(2)} (per-round quartiles ${lo.toFixed(2)}–${hi.toFixed(2)}; target ≥ ${TARGET}) ${ratio >= TARGET ? "ok" : "BELOW TARGET"}`,
  );

  // 2. Concurrent pushers, each on its own plan, then as many plain inserters.
  const plansOf = await Promise.all(Array.from({ length: PUSHERS }, (_, i) => newPlan(`Bench ${i + 1}`)));
  const nextOf = plansOf.map(() => series());
  const total = PUSHERS * BATCHES_PER_PUSHER * BATCH;
  const concurrently = async (batches: Row[][][], each: (i: number, rows: Row[]) => Promise<unknown>) => {
    const t = performance.now();
    await Promise.all(
      batches.map(async (own, i) => {
        for (const rows of own) await each(i, rows);
      }),
    );
    return perSecond(total, performance.now() - t);
  };
  const runPlain = (batches: Row[][][]) => concurrently(batches, (i, rows) => insertPlain(plansOf[i]!.plain.id, rows));
  const runService = (batches: Row[][][]) =>
    concurrently(batches, (i, rows) => ingestSamples(ctx, plansOf[i]!.planId, pushed(plansOf[i]!.pushed.key, rows)));
  // plain, phasegate, phasegate, plain, each pair on the same rows: both get an early and a late turn.
  const plainRuns: number[] = [];
  const serviceRuns: number[] = [];
  for (let run = 0; run < 2; run++) {
    const batches = nextOf.map((next) => Array.from({ length: BATCHES_PER_PUSHER }, () => next()));
    if (run === 0) plainRuns.push(await runPlain(batches));
    serviceRuns.push(await runService(batches));
    if (run === 1) plainRuns.push(await runPlain(batches));
  }
  const concurrentPlain = median(plainRuns);
  const concurrentService = median(serviceRuns);
  const concurrentRatio = concurrentService / concurrentPlain;
  console.log(
    `ingest, ${PUSHERS} concurrent pushers (own plan each), ${BATCHES_PER_PUSHER} batches of ${BATCH} each, 2 runs alternated (median):`,
  );
  console.log(`  phasegate ingestSamples : ${fmt(concurrentService)} samples/s`);
  console.log(`  plain multi-row INSERT  : ${fmt(concurrentPlain)} samples/s`);
  console.log(`  ratio phasegate / plain : ${concurrentRatio.toFixed(2)}`);
  await raw.end();
});
