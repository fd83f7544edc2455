// npm run bench:chart – time of the chart query (≤ 500 points, summed from the hour rollups) for a
// series of 1,000 samples and one of 1,000,000. Prints the ratio.
import { sql } from "drizzle-orm";
import { metrics } from "../db/schema";
import { metricSeries } from "../lib/reads/series";
import { createPlan } from "../lib/services/plans";
import { rebuildRollups } from "../lib/services/rollups";
import { makeProject, makeUser } from "../tests/support/people";
import { median, withBenchDatabase } from "./support";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

await withBenchDatabase(async (handle) => {
  const project = await makeProject(handle.db, "bench-chart");
  const rm = await makeUser(handle.db, { projectId: project.id, roles: ["release_manager"] });
  const { planId } = await createPlan(
    { db: handle.db, actor: rm, requestId: null },
    { projectId: project.id, template: "canary", name: "Chart", releaseVersion: "1" },
  );
  const [small, large] = await handle.db
    .select()
    .from(metrics)
    .where(sql`${metrics.planId} = ${planId}`)
    .limit(2);
  const end = new Date("2026-11-20T00:00:00Z");
  // Both series span the same 30 days; only the density differs.
  const spanSeconds = 30 * 86_400;
  for (const [metric, n] of [
    [small!, 1_000],
    [large!, 1_000_000],
  ] as const) {
    await handle.db.execute(sql`
      insert into samples (metric_id, cohort, ts, value)
      select ${metric.id}, 'canary', ${end.toISOString()}::timestamptz - make_interval(secs => (g::float8 * ${spanSeconds} / ${n})), random()
      from generate_series(1, ${n}) g`);
  }
  await handle.db.transaction((tx) => rebuildRollups(tx, [small!.id, large!.id]));
  await handle.db.execute(sql`analyze samples`);
  await handle.db.execute(sql`analyze sample_rollups`);
  const from = new Date(end.getTime() - spanSeconds * 1000);
  const time = async (metricId: string) => {
    const runs: number[] = [];
    let points = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      points = (await metricSeries(handle.db, metricId, from, end)).points.length;
      runs.push(performance.now() - t);
    }
    return { ms: median(runs), points };
  };
  await time(small!.id);
  await time(large!.id); // warm both
  const a = await time(small!.id);
  const b = await time(large!.id);
  console.log(`chart query (≤ 500 points from rollups), ${RUNS} runs each (median):`);
  console.log(`  1,000 samples     : ${a.ms.toFixed(1)} ms → ${a.points} points`);
  console.log(`  1,000,000 samples : ${b.ms.toFixed(1)} ms → ${b.points} points`);
  console.log(`  ratio 1M / 1k     : ${(b.ms / a.ms).toFixed(1)}`);
});
