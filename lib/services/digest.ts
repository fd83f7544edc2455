import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, digestSchedules, projects, webhookDeliveries, webhooks } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { buildDigestPayload } from "@/lib/domain/digest";
import { type DigestSlot, describeSlot, dueDigest, latestDueAt, periodOf } from "@/lib/domain/digest-schedule";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { errorFields, log } from "@/lib/observability/log";
import { loadDigestFacts } from "@/lib/reads/digest";
import { digestScheduleSchema } from "@/lib/validation/digest";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

// The weekly digest's schedules, and sending what is due. A project's schedule is kept by whoever
// manages its webhooks (release managers); the portfolio's by administrators. Every app instance
// checks on a timer; a send claims its (schedule, ISO week) by moving `last_sent_for` in the
// transaction that writes its audit event and queues its webhook deliveries, so of instances
// racing exactly one sends, and a send that fails to commit leaves the week unclaimed.

type ScheduleRow = typeof digestSchedules.$inferSelect;

const SYSTEM: Actor = { kind: "system" };

function authorizeScope(actor: Actor, projectId: string | null) {
  if (projectId !== null) return authorize(actor, projectId, { action: "token:manage" });
  if (actor.kind === "system" || (actor.kind === "user" && actor.isAdmin)) return;
  throw new AppError("forbidden:permission", "Only administrators schedule the portfolio's digest");
}

const slotOf = (row: Pick<ScheduleRow, "weekday" | "hour" | "timeZone">): DigestSlot => ({
  weekday: row.weekday as DigestSlot["weekday"],
  hour: row.hour,
  timeZone: row.timeZone,
});

const audited = (row: Pick<ScheduleRow, "weekday" | "hour" | "timeZone" | "webhookIds" | "enabled">) => ({
  when: describeSlot(slotOf(row)),
  webhooks: row.webhookIds,
  enabled: row.enabled,
});

const scopeWhere = (projectId: string | null) =>
  projectId === null ? isNull(digestSchedules.projectId) : eq(digestSchedules.projectId, projectId);

/**
 * Creates or changes the digest schedule of a project (or, with no project, the portfolio's).
 * A new or moved slot starts with the next one: a slot already past this week is not sent at once,
 * and a week already sent is not sent again.
 */
export async function saveDigestSchedule(ctx: ServiceContext, input: unknown, now: Date = new Date()) {
  const data = parseInput(digestScheduleSchema, input);
  authorizeScope(ctx.actor, data.projectId);
  try {
    return await ctx.db.transaction(async (tx) => {
      if (data.projectId !== null) {
        const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, data.projectId));
        if (!project) throw new AppError("not_found:entity", "No project with this id");
      }
      await assertWebhooks(tx, data.projectId, data.webhookIds);
      const [before] = await tx.select().from(digestSchedules).where(scopeWhere(data.projectId)).for("update");
      const slot = slotOf(data);
      const moved =
        !before ||
        before.weekday !== data.weekday ||
        before.hour !== data.hour ||
        before.timeZone !== data.timeZone ||
        (data.enabled && !before.enabled);
      // A week already sent stays sent: moving Monday's digest to Friday does not send it twice.
      const latest = periodOf(slot, latestDueAt(slot, now));
      const sent = before?.lastSentFor ?? null;
      const lastSentFor = !moved ? sent : sent !== null && sent > latest ? sent : latest;
      const values = { ...data, lastSentFor, updatedAt: now };
      const [after] = before
        ? await tx.update(digestSchedules).set(values).where(eq(digestSchedules.id, before.id)).returning()
        : await tx.insert(digestSchedules).values(values).returning();
      await writeAudit(
        tx,
        ctx.actor,
        {
          action: "digest_schedule.saved",
          entityType: "digest_schedule",
          entityId: after!.id,
          projectId: data.projectId,
          before: before ? audited(before) : null,
          after: audited(after!),
        },
        ctx.requestId,
      );
      if (data.projectId !== null)
        await notifyOnCommit(tx, { type: "digest_schedule.saved", projectId: data.projectId });
      return after!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("conflict:state", "The schedule was saved by someone else at the same time; try again");
    throw error;
  }
}

/** Every webhook named exists, and a project's digest goes only to that project's webhooks. */
async function assertWebhooks(tx: Tx, projectId: string | null, ids: readonly string[]) {
  if (ids.length === 0) return;
  const found = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(inArray(webhooks.id, [...ids]), projectId === null ? undefined : eq(webhooks.projectId, projectId)));
  if (found.length !== ids.length)
    throw new AppError("bad_request:validation", "webhookIds: choose webhooks of this project", {
      webhookIds: ["Choose webhooks of this project"],
    });
}

export interface DigestSend {
  scheduleId: string;
  projectId: string | null;
  period: string;
  deliveries: number;
}

/**
 * Sends every digest whose latest slot has passed and whose week has not been sent yet: claims
 * the week, reads the digest, writes `digest.sent` (the system acting) and queues one delivery
 * per enabled webhook chosen; the webhook dispatcher sends and retries them like any other.
 */
export async function sendDueDigests(db: Database, now: Date = new Date()): Promise<DigestSend[]> {
  const schedules = await db.select().from(digestSchedules).where(eq(digestSchedules.enabled, true));
  const sent: DigestSend[] = [];
  for (const schedule of schedules) {
    const due = dueDigest(slotOf(schedule), schedule.lastSentFor, now);
    if (!due) continue;
    try {
      const send = await sendDigest(db, schedule.id, due.period, now);
      if (send) sent.push(send);
    } catch (error) {
      log().error({ scheduleId: schedule.id, ...errorFields(error) }, "sending a digest failed");
    }
  }
  return sent;
}

async function sendDigest(db: Database, scheduleId: string, period: string, now: Date): Promise<DigestSend | null> {
  return db.transaction(async (tx) => {
    // The claim: of instances racing for this week, one moves it; the others find it moved
    // (PostgreSQL re-reads the row once the winner commits) and send nothing.
    const [schedule] = await tx
      .update(digestSchedules)
      .set({ lastSentFor: period, lastSentAt: now })
      .where(
        and(
          eq(digestSchedules.id, scheduleId),
          eq(digestSchedules.enabled, true),
          sql`${digestSchedules.lastSentFor} is distinct from ${period}`,
        ),
      )
      .returning();
    if (!schedule) return null;
    const [project] = schedule.projectId
      ? await tx
          .select({ id: projects.id, name: projects.name, slug: projects.slug })
          .from(projects)
          .where(eq(projects.id, schedule.projectId))
      : [null];
    const targets = schedule.webhookIds.length
      ? await tx
          .select({ id: webhooks.id, name: webhooks.name })
          .from(webhooks)
          .where(
            and(
              inArray(webhooks.id, schedule.webhookIds),
              eq(webhooks.enabled, true),
              schedule.projectId ? eq(webhooks.projectId, schedule.projectId) : undefined,
            ),
          )
      : [];
    await writeAudit(
      tx,
      SYSTEM,
      {
        action: "digest.sent",
        entityType: "digest_schedule",
        entityId: schedule.id,
        projectId: schedule.projectId,
        after: { period, webhooks: targets.map((t) => t.name) },
      },
      null,
    );
    if (targets.length) {
      const [audit] = await tx
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "digest.sent"), eq(auditEvents.entityId, schedule.id)))
        .orderBy(desc(auditEvents.id))
        .limit(1);
      const facts = await loadDigestFacts(tx, schedule.projectId ? [schedule.projectId] : null, now);
      const payload = buildDigestPayload(facts, {
        now,
        scope: project ? { kind: "project", slug: project.slug, name: project.name } : { kind: "portfolio" },
        auditEventId: audit!.id,
        period,
        project: project ? { id: project.id, name: project.name } : null,
      });
      await tx.insert(webhookDeliveries).values(
        targets.map((t) => ({
          webhookId: t.id,
          auditEventId: audit!.id,
          event: "digest",
          payload,
          nextAttemptAt: now,
        })),
      );
    }
    if (schedule.projectId) await notifyOnCommit(tx, { type: "digest.sent", projectId: schedule.projectId });
    return { scheduleId: schedule.id, projectId: schedule.projectId, period, deliveries: targets.length };
  });
}
