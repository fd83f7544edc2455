// npm run bench:ingest – samples/s through Phasegate's ingest (validation, one transaction,
// upsert, audit event, notify) against a plain multi-row INSERT of the same rows through
// postgres.js, alternated on the same server. Prints the ratio.
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { metrics } from "../db/schema";
import { ingestSamples } from "../lib/services/metrics";
import { createPlan } from "../lib/services/plans";
import { makeProject, makeUser } from "../tests/support/people";
import { median, withBenchDatabase } from "./support";

const BATCH = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

await withBenchDatabase(async (handle, url) => {
  const project = await makeProject(handle.db, "bench");
  const rm = await makeUser(handle.db, { projectId: project.id, roles: ["release_manager", "engineer"] });
  const ctx = { db: handle.db, actor: rm, requestId: null };
  const { planId } = await createPlan(ctx, { projectId: project.id, template: "canary", name: "Bench", releaseVersion: "1" });
  const [metric] = await handle.db.select().from(metrics).where(eq(metrics.planId, planId)).limit(1);
  const raw = postgres(url, { max: 1, onnotice: () => {} });
  let clock = Date.now() - 80 * 86_400_000;
  const batch = () => Array.from({ length: BATCH }, () => ({ metric: metric!.key, ts: (clock += 1000), value: Math.random(), cohort: "canary" as const }));

  const phasegate: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rows = batch();
    let t = performance.now();
    await ingestSamples(ctx, planId, rows);
    phasegate.push(BATCH / ((performance.now() - t) / 1000));

    const same = batch().map((r) => ({ metric_id: metric!.id, cohort: r.cohort, ts: new Date(r.ts), value: r.value }));
    t = performance.now();
    await raw`insert into samples ${raw(same, "metric_id", "cohort", "ts", "value")}`;
    plain.push(BATCH / ((performance.now() - t) / 1000));
  }
  await raw.end();
  const p = median(phasegate);
  const q = median(plain);
  console.log(`ingest, batch ${BATCH}, ${ROUNDS} rounds alternated (median):`);
  console.log(`  phasegate ingestSamples : ${Math.round(p).toLocaleString("en")} samples/s`);
  console.log(`  plain multi-row INSERT  : ${Math.round(q).toLocaleString("en")} samples/s`);
  console.log(`  ratio phasegate / plain : ${(p / q).toFixed(2)}`);
});
