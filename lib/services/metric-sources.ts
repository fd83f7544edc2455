import { and, asc, count, eq, inArray, isNotNull, isNull, lte, max, ne, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metricSources, metrics, phases, plans, projects, samples } from "@/db/schema";
import type { SystemActor } from "@/lib/auth/actor";
import { DEFAULT_INGEST_POLICY, type RawSample } from "@/lib/domain/ingest";
import {
  buildRangeQuery,
  describePrometheusFailure,
  interpretRangeAnswer,
  pairCounts,
  type RangeAnswer,
  type RangeQuery,
} from "@/lib/domain/prometheus";
import { AppError, isUniqueViolation } from "@/lib/errors";
import {
  createMetricSourceSchema,
  deleteMetricSourceSchema,
  updateMetricSourceSchema,
} from "@/lib/validation/metric-sources";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import { storeSampleBatch } from "./metrics";
import { egressRequest } from "@/lib/egress/request";
import { assertDestinationAllowed } from "./destinations";
import { responseExcerpt } from "@/lib/domain/fetch-failure";
import { errorFields, log } from "@/lib/observability/log";

// Prometheus servers a project's metrics are polled from: configured by release managers, polled
// by a timer in every app instance. A source is claimed before it is polled, so however many
// instances tick at the same moment, each poll happens once.

const SYSTEM: SystemActor = { kind: "system" };
const RUNNING = ["in_progress", "paused"] as const;
/** A Prometheus that does not answer within this is recorded as failing; the next poll tries again. */
export const POLL_TIMEOUT_MS = 5_000;
/** Sources polled at the same time by one instance. */
const POLL_CONCURRENCY = 4;
const MAX_ERROR_LENGTH = 1_000;

const audited = (s: typeof metricSources.$inferSelect) => ({
  name: s.name,
  baseUrl: s.baseUrl,
  pollIntervalSeconds: s.pollIntervalSeconds,
  enabled: s.enabled,
});

const nameTaken = (name: string) =>
  new AppError("bad_request:validation", `name: another metric source in this project is called “${name}”`, {
    name: [`Another metric source in this project is called “${name}”`],
  });

async function assertNameFree(tx: Tx, projectId: string, name: string, exceptId: string | null) {
  const [clash] = await tx
    .select({ id: metricSources.id })
    .from(metricSources)
    .where(
      and(
        eq(metricSources.projectId, projectId),
        eq(metricSources.name, name),
        exceptId ? ne(metricSources.id, exceptId) : undefined,
      ),
    );
  if (clash) throw nameTaken(name);
}

export async function createMetricSource(ctx: ServiceContext, input: unknown) {
  const data = parseInput(createMetricSourceSchema, input);
  authorize(ctx.actor, data.projectId, { action: "metric:edit" });
  await assertDestinationAllowed(data.baseUrl, "baseUrl");
  try {
    return await ctx.db.transaction(async (tx) => {
      const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, data.projectId));
      if (!project) throw new AppError("not_found:entity", "No project with this id");
      await assertNameFree(tx, data.projectId, data.name, null);
      const [source] = await tx.insert(metricSources).values(data).returning();
      await writeAudit(
        tx,
        ctx.actor,
        {
          action: "metric_source.created",
          entityType: "metric_source",
          entityId: source!.id,
          projectId: data.projectId,
          after: audited(source!),
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "metric_source.created", projectId: data.projectId, sourceId: source!.id });
      return source!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(data.name);
    throw error;
  }
}

/** Changes name, URL, interval or enabled; a new URL forgets the old one's error and is polled at the next tick. */
export async function updateMetricSource(ctx: ServiceContext, input: unknown) {
  const { sourceId, ...changes } = parseInput(updateMetricSourceSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(metricSources).where(eq(metricSources.id, sourceId)).for("update");
      if (!before) throw new AppError("not_found:entity", "No metric source with this id");
      authorize(ctx.actor, before.projectId, { action: "metric:edit" });
      const set = Object.fromEntries(
        Object.entries(changes).filter(
          ([key, value]) => value !== undefined && value !== before[key as keyof typeof before],
        ),
      ) as typeof changes;
      if (Object.keys(set).length === 0) return before;
      if (set.name !== undefined) await assertNameFree(tx, before.projectId, set.name, before.id);
      if (set.baseUrl !== undefined) await assertDestinationAllowed(set.baseUrl, "baseUrl");
      const reset = set.baseUrl !== undefined ? { lastPolledAt: null, lastError: null, lastResponseExcerpt: null } : {};
      const [after] = await tx
        .update(metricSources)
        .set({ ...set, ...reset })
        .where(eq(metricSources.id, sourceId))
        .returning();
      await writeAudit(
        tx,
        ctx.actor,
        {
          action: "metric_source.updated",
          entityType: "metric_source",
          entityId: sourceId,
          projectId: before.projectId,
          before: audited(before),
          after: audited(after!),
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "metric_source.updated", projectId: before.projectId, sourceId });
      return after!;
    });
  } catch (error) {
    if (isUniqueViolation(error) && typeof changes.name === "string") throw nameTaken(changes.name);
    throw error;
  }
}

/** Deletes a source; metrics that used it keep their samples and query but are no longer polled. */
export async function deleteMetricSource(ctx: ServiceContext, input: unknown) {
  const { sourceId } = parseInput(deleteMetricSourceSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [source] = await tx.select().from(metricSources).where(eq(metricSources.id, sourceId)).for("update");
    if (!source) throw new AppError("not_found:entity", "No metric source with this id");
    authorize(ctx.actor, source.projectId, { action: "metric:edit" });
    const [used] = await tx.select({ n: count() }).from(metrics).where(eq(metrics.sourceId, sourceId));
    await tx.delete(metricSources).where(eq(metricSources.id, sourceId));
    const detached = Number(used?.n ?? 0);
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "metric_source.deleted",
        entityType: "metric_source",
        entityId: sourceId,
        projectId: source.projectId,
        before: { ...audited(source), metrics: detached },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "metric_source.deleted", projectId: source.projectId, sourceId });
    return { id: sourceId, detachedMetrics: detached };
  });
}

// ---- Polling ------------------------------------------------------------------------------

export interface SourcePoll {
  sourceId: string;
  /** False when the source was not due, disabled, deleted, or another instance claimed it first. */
  claimed: boolean;
  /** Metrics of running plans asked for. */
  queried: number;
  stored: number;
  /** Non-finite values Prometheus returned, left out. */
  dropped: number;
  error: string | null;
  triggersFired: string[];
}

const notClaimed = (sourceId: string): SourcePoll => ({
  sourceId,
  claimed: false,
  queried: 0,
  stored: 0,
  dropped: 0,
  error: null,
  triggersFired: [],
});

/** True for a source whose interval has passed since its last poll (or that was never polled). */
const dueAt = (now: Date) =>
  and(
    eq(metricSources.enabled, true),
    or(
      isNull(metricSources.lastPolledAt),
      lte(
        metricSources.lastPolledAt,
        sql`${now.toISOString()}::timestamptz - make_interval(secs => ${metricSources.pollIntervalSeconds})`,
      ),
    ),
  );

/** Polls every enabled source that is due, a few at a time. Meant for a timer in every instance. */
export async function pollDueSources(db: Database, now: Date = new Date()): Promise<SourcePoll[]> {
  const due = await db
    .select({ id: metricSources.id })
    .from(metricSources)
    .where(dueAt(now))
    .orderBy(asc(metricSources.lastPolledAt));
  const results: SourcePoll[] = [];
  for (let i = 0; i < due.length; i += POLL_CONCURRENCY) {
    const batch = due.slice(i, i + POLL_CONCURRENCY);
    // One source's failure (say, the database dropping mid-poll) does not stop the others.
    const settled = await Promise.allSettled(batch.map(({ id }) => pollSource(db, id, now)));
    settled.forEach((outcome, j) => {
      if (outcome.status === "fulfilled") {
        if (outcome.value.claimed) results.push(outcome.value);
      } else {
        log().error({ sourceId: batch[j]!.id, ...errorFields(outcome.reason) }, "polling a metric source failed");
      }
    });
  }
  return results;
}

/**
 * Claims the source when it is due, asks Prometheus for every metric of a running plan that uses
 * it, stores the samples as the system (the same path as pushed samples) and records the outcome.
 */
export async function pollSource(db: Database, sourceId: string, now: Date = new Date()): Promise<SourcePoll> {
  // The claim: of several instances running this at once, one updates the row; the others find it
  // no longer due once the first commits.
  const [source] = await db
    .update(metricSources)
    .set({ lastPolledAt: now })
    .where(and(eq(metricSources.id, sourceId), dueAt(now)))
    .returning();
  if (!source) return notClaimed(sourceId);

  const polled = await db
    .select({
      id: metrics.id,
      key: metrics.key,
      promql: metrics.promql,
      denominatorPromql: metrics.denominatorPromql,
      planId: metrics.planId,
      projectId: plans.projectId,
      phaseStartedAt: phases.actualStartAt,
    })
    .from(metrics)
    .innerJoin(plans, eq(plans.id, metrics.planId))
    .leftJoin(phases, and(eq(phases.planId, plans.id), eq(phases.status, "active")))
    .where(
      and(
        eq(metrics.sourceId, source.id),
        eq(metrics.sourceKind, "prometheus"),
        isNotNull(metrics.promql),
        eq(plans.projectId, source.projectId),
        inArray(plans.status, [...RUNNING]),
      ),
    )
    .orderBy(asc(metrics.planId), asc(metrics.position));
  const newest = polled.length
    ? await db
        .select({ metricId: samples.metricId, ts: max(samples.ts) })
        .from(samples)
        .where(
          inArray(
            samples.metricId,
            polled.map((m) => m.id),
          ),
        )
        .groupBy(samples.metricId)
    : [];
  const newestById = new Map(newest.map((n) => [n.metricId, n.ts]));

  const answers = await Promise.all(
    polled.map(async (metric) => {
      // Never before the active phase started: earlier data is history and would be refused.
      const range = (promql: string) =>
        buildRangeQuery({
          baseUrl: source.baseUrl,
          promql,
          newestSample: newestById.get(metric.id) ?? null,
          now,
          intervalSeconds: source.pollIntervalSeconds,
          notBefore: metric.phaseStartedAt,
        });
      const ask = async (promql: string) => {
        const query = range(promql);
        return query
          ? await fetchRange(query)
          : {
              ...({ ok: true, samples: [], series: 0, dropped: 0, warnings: [] } satisfies RangeAnswer),
              excerpt: null,
            };
      };
      if (!metric.denominatorPromql) {
        const answer = await ask(metric.promql!);
        return {
          metric,
          answer: answer.ok
            ? {
                ...answer,
                rows: answer.samples.map((s): RawSample => ({
                  metric: metric.key,
                  ts: s.ts.getTime(),
                  value: s.value,
                  cohort: s.cohort,
                })),
              }
            : answer,
        };
      }
      // A rate as counts: the numerator query and the denominator query, paired point by point.
      const [numerators, denominators] = await Promise.all([ask(metric.promql!), ask(metric.denominatorPromql)]);
      if (!numerators.ok) return { metric, answer: numerators };
      if (!denominators.ok)
        return { metric, answer: { ...denominators, error: `denominator query: ${denominators.error}` } };
      const paired = pairCounts(numerators.samples, denominators.samples);
      const rows = paired.counts.map((c): RawSample => ({
        metric: metric.key,
        ts: c.ts.getTime(),
        numerator: c.numerator,
        denominator: c.denominator,
        cohort: c.cohort,
      }));
      return {
        metric,
        answer: {
          ok: true as const,
          rows,
          dropped: numerators.dropped + denominators.dropped + paired.dropped,
          excerpt: null,
        },
      };
    }),
  );

  const problems = new Map<string, string[]>(); // error text → metric keys
  const problem = (text: string, keys: readonly string[]) =>
    problems.set(text, [...(problems.get(text) ?? []), ...keys]);
  const byPlan = new Map<string, { projectId: string; rows: RawSample[][]; keys: string[] }>();
  let dropped = 0;
  let excerpt: string | null = null;
  for (const { metric, answer } of answers) {
    if (!answer.ok) {
      problem(answer.error, [metric.key]);
      excerpt ??= answer.excerpt ? `${metric.key}: ${answer.excerpt}` : null;
      continue;
    }
    dropped += answer.dropped;
    if (answer.rows.length === 0) continue;
    const plan = byPlan.get(metric.planId) ?? { projectId: metric.projectId, rows: [], keys: [] };
    plan.rows.push(answer.rows);
    plan.keys.push(metric.key);
    byPlan.set(metric.planId, plan);
  }

  let stored = 0;
  const triggersFired: string[] = [];
  const ctx = { db, actor: SYSTEM, requestId: null };
  for (const [planId, plan] of byPlan) {
    // Whole metrics per batch, each batch within what one ingest accepts.
    for (const batch of batches(plan.rows, DEFAULT_INGEST_POLICY.maxRows)) {
      try {
        const result = await storeSampleBatch(ctx, { id: planId, projectId: plan.projectId }, batch.flat(), {
          now,
          origin: { kind: "prometheus", sourceId: source.id, sourceName: source.name },
        });
        stored += result.stored;
        triggersFired.push(...result.triggersFired);
      } catch (error) {
        // A refused batch is explained in words; anything else stays in the server log.
        if (!(error instanceof AppError))
          log().error({ planId, sourceId: source.id, ...errorFields(error) }, "storing polled samples failed");
        const reason =
          error instanceof AppError ? error.message : "the database did not accept them (see the server log)";
        problem(`could not store the samples: ${reason}`, [...new Set(batch.map((rows) => String(rows[0]?.metric)))]);
      }
    }
  }

  const error = problems.size
    ? [...problems]
        .map(([text, keys]) => `${keys.join(", ")}: ${text}`)
        .join("; ")
        .slice(0, MAX_ERROR_LENGTH)
    : null;
  await recordOutcome(db, source, error, excerpt);
  return { sourceId: source.id, claimed: true, queried: polled.length, stored, dropped, error, triggersFired };
}

function* batches(groups: readonly RawSample[][], maxRows: number): Generator<RawSample[][]> {
  let current: RawSample[][] = [];
  let size = 0;
  for (const group of groups) {
    if (size > 0 && size + group.length > maxRows) {
      yield current;
      current = [];
      size = 0;
    }
    current.push(group);
    size += group.length;
  }
  if (current.length) yield current;
}

/** Largest query_range answer read; a bigger one is refused rather than held in memory. */
const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

async function fetchRange(query: RangeQuery): Promise<RangeAnswer & { excerpt: string | null }> {
  try {
    // Redirects are not followed: a source answers at its own address or not at all.
    const response = await egressRequest(query.url.toString(), {
      headers: { accept: "application/json" },
      timeoutMs: POLL_TIMEOUT_MS,
      maxResponseBytes: MAX_ANSWER_BYTES,
      refuseLarger: true,
    });
    const answer = interpretRangeAnswer(response.status, response.statusText, response.body);
    return { ...answer, excerpt: answer.ok ? null : responseExcerpt(response.body) };
  } catch (error) {
    return { ok: false, error: describePrometheusFailure(error, query.url, POLL_TIMEOUT_MS), excerpt: null };
  }
}

/**
 * Keeps the last error in words. The change from working to failing and back is audited and
 * announced once; a source that keeps failing the same way is not re-announced at every poll.
 */
async function recordOutcome(
  db: Database,
  source: typeof metricSources.$inferSelect,
  error: string | null,
  excerpt: string | null,
) {
  await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ lastError: metricSources.lastError, excerpt: metricSources.lastResponseExcerpt })
      .from(metricSources)
      .where(eq(metricSources.id, source.id))
      .for("update");
    if (!current || (current.lastError === error && current.excerpt === excerpt)) return;
    await tx
      .update(metricSources)
      .set({ lastError: error, lastResponseExcerpt: excerpt })
      .where(eq(metricSources.id, source.id));
    if (current.lastError === error) return;
    if ((current.lastError === null) !== (error === null)) {
      await writeAudit(
        tx,
        SYSTEM,
        {
          action: error ? "metric_source.failing" : "metric_source.recovered",
          entityType: "metric_source",
          entityId: source.id,
          projectId: source.projectId,
          before: { lastError: current.lastError },
          after: { lastError: error },
        },
        null,
      );
    }
    await notifyOnCommit(tx, {
      type: "metric_source.polled",
      projectId: source.projectId,
      sourceId: source.id,
      ok: error === null,
    });
  });
}
