import { and, desc, eq } from "drizzle-orm";
import { auditEvents, incidents, plans } from "@/db/schema";
import { notesFingerprint } from "@/lib/domain/incident-notes";
import { formatExact } from "@/lib/domain/time";
import { AppError } from "@/lib/errors";
import {
  detectionSchema,
  markVerifiedSchema,
  postmortemSchema,
  reopenIncidentSchema,
  resolveIncidentSchema,
  summarySchema,
} from "@/lib/validation/incidents";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

// After a rollback: verify it, resolve the incident, write the post-mortem. Each use-case:
// authorise → validate → change the incident and write its audit event in one transaction → notify.
// Status runs open → mitigated (verified) → resolved; a resolved incident may be reopened to mitigated.

type IncidentRow = typeof incidents.$inferSelect;

interface Scope {
  tx: Tx;
  incident: IncidentRow;
  projectId: string;
}

interface Outcome<T> {
  result: T;
  /** Nothing changed (the same text sent again): no audit event, no notification. */
  unchanged?: boolean;
  audit?: { action: string; before?: unknown; after?: unknown };
}

/** The one path of every incident change: lock the row, authorise, change, audit, notify. */
async function changeIncident<T>(
  ctx: ServiceContext,
  incidentId: string,
  change: (scope: Scope) => Promise<Outcome<T>>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
    if (!incident) throw new AppError("not_found:entity", "No such incident");
    const [plan] = await tx.select({ projectId: plans.projectId }).from(plans).where(eq(plans.id, incident.planId));
    if (!plan) throw new AppError("not_found:entity", "No such incident");
    authorize(ctx.actor, plan.projectId, { action: "incident:edit" });
    const outcome = await change({ tx, incident, projectId: plan.projectId });
    if (!outcome.unchanged && outcome.audit) {
      await writeAudit(
        tx,
        ctx.actor,
        {
          ...outcome.audit,
          entityType: "incident",
          entityId: incident.id,
          projectId: plan.projectId,
          planId: incident.planId,
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, {
        type: outcome.audit.action,
        projectId: plan.projectId,
        planId: incident.planId,
        incidentId: incident.id,
      });
    }
    return outcome.result;
  });
}

const at = (d: Date) => formatExact(d);

/** The rollback is confirmed to have worked (traffic back, KPIs back to baseline): the incident is mitigated. */
export async function markVerified(ctx: ServiceContext, input: unknown) {
  const data = parseInput(markVerifiedSchema, input);
  const now = new Date();
  return changeIncident(ctx, data.incidentId, async ({ tx, incident }) => {
    if (incident.verifiedAt)
      throw new AppError("conflict:state", `The rollback was already verified at ${at(incident.verifiedAt)}`);
    if (!incident.executedAt)
      throw new AppError(
        "conflict:state",
        "The rollback has not been executed yet: verify it once traffic is back on the previous version",
      );
    if (data.verifiedAt && data.verifiedAt.getTime() > now.getTime()) {
      throw new AppError("bad_request:validation", "The verification time is in the future", {
        verifiedAt: [`Cannot be in the future (it is now ${at(now)})`],
      });
    }
    if (data.verifiedAt && data.verifiedAt < incident.executedAt) {
      throw new AppError("bad_request:validation", "Verification cannot come before the rollback was executed", {
        verifiedAt: [`Cannot be before the rollback was executed (${at(incident.executedAt)})`],
      });
    }
    // Without a given time, now; never before execution, even if another server's clock ran ahead.
    const verifiedAt = data.verifiedAt ?? new Date(Math.max(now.getTime(), incident.executedAt.getTime()));
    const [row] = await tx
      .update(incidents)
      .set({ verifiedAt, status: "mitigated" })
      .where(eq(incidents.id, incident.id))
      .returning();
    return {
      result: { incidentId: row!.id, status: row!.status, verifiedAt: row!.verifiedAt! },
      audit: {
        action: "incident.verified",
        before: { status: incident.status },
        after: { status: row!.status, verifiedAt: verifiedAt.toISOString() },
      },
    };
  });
}

export async function resolveIncident(ctx: ServiceContext, input: unknown) {
  const data = parseInput(resolveIncidentSchema, input);
  return changeIncident(ctx, data.incidentId, async ({ tx, incident }) => {
    if (incident.status === "resolved") throw new AppError("conflict:state", "The incident is already resolved");
    if (!incident.verifiedAt)
      throw new AppError("conflict:state", "Mark the rollback verified before resolving the incident");
    const [row] = await tx
      .update(incidents)
      .set({ status: "resolved" })
      .where(eq(incidents.id, incident.id))
      .returning();
    return {
      result: { incidentId: row!.id, status: row!.status },
      audit: { action: "incident.resolved", before: { status: incident.status }, after: { status: row!.status } },
    };
  });
}

/** Back to mitigated: the verification stands (its time is history), the incident is worked on again. */
export async function reopenIncident(ctx: ServiceContext, input: unknown) {
  const data = parseInput(reopenIncidentSchema, input);
  return changeIncident(ctx, data.incidentId, async ({ tx, incident }) => {
    if (incident.status !== "resolved")
      throw new AppError("conflict:state", "Only a resolved incident can be reopened");
    const [row] = await tx
      .update(incidents)
      .set({ status: "mitigated" })
      .where(eq(incidents.id, incident.id))
      .returning();
    return {
      result: { incidentId: row!.id, status: row!.status },
      audit: {
        action: "incident.reopened",
        before: { status: incident.status },
        after: { status: row!.status, reason: data.reason },
      },
    };
  });
}

/** Who last saved this text, for the message of an editor whose copy is out of date. */
async function lastEditor(tx: Tx, incidentId: string, action: string): Promise<string> {
  const [last] = await tx
    .select({ by: auditEvents.actorLabel, at: auditEvents.createdAt })
    .from(auditEvents)
    .where(
      and(eq(auditEvents.entityType, "incident"), eq(auditEvents.entityId, incidentId), eq(auditEvents.action, action)),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(1);
  return last ? ` (${last.by}, ${at(last.at)})` : "";
}

/**
 * Replaces a text field, refusing when it changed since the editor loaded it. Re-sending the
 * text that is already stored (a retried save, or two people writing the same) changes nothing.
 */
async function replaceNotes(
  scope: Scope,
  field: "postmortem" | "summary",
  text: string,
  baseFingerprint: string,
  action: string,
  what: string,
) {
  const { tx, incident } = scope;
  const current = incident[field];
  if (current === text) return { result: { incidentId: incident.id, [field]: text, changed: false }, unchanged: true };
  if (notesFingerprint(current) !== baseFingerprint) {
    throw new AppError(
      "conflict:stale_version",
      `Someone else saved the ${what} while you were editing${await lastEditor(tx, incident.id, action)}. Your text was not saved: copy it, reload, and merge the two`,
      { [field]: [`Changed by someone else since you opened it`] },
    );
  }
  await tx
    .update(incidents)
    .set({ [field]: text })
    .where(eq(incidents.id, incident.id));
  return {
    result: { incidentId: incident.id, [field]: text, changed: true },
    audit: { action, before: { [field]: current }, after: { [field]: text, length: text.length } },
  };
}

/** Post-mortem notes: plain text (Markdown-ish), stored and shown as text, never as HTML. */
export async function updatePostmortem(ctx: ServiceContext, input: unknown) {
  const data = parseInput(postmortemSchema, input);
  return changeIncident(ctx, data.incidentId, (scope) =>
    replaceNotes(
      scope,
      "postmortem",
      data.postmortem,
      data.baseFingerprint,
      "incident.postmortem_updated",
      "post-mortem",
    ),
  );
}

export async function editIncidentSummary(ctx: ServiceContext, input: unknown) {
  const data = parseInput(summarySchema, input);
  return changeIncident(ctx, data.incidentId, (scope) =>
    replaceNotes(scope, "summary", data.summary, data.baseFingerprint, "incident.summary_updated", "summary"),
  );
}

/**
 * A person rolling back by hand noticed the problem before deciding: recording when makes the
 * decide stage measurable. Automatic incidents keep the detection time their trigger measured.
 */
export async function correctDetectionTime(ctx: ServiceContext, input: unknown) {
  const data = parseInput(detectionSchema, input);
  const detectedAt = data.detectedAt!;
  return changeIncident(ctx, data.incidentId, async ({ tx, incident }) => {
    if (incident.origin === "automatic")
      throw new AppError("conflict:state", "An automatic rollback keeps the detection time its trigger measured");
    const latest = incident.decidedAt ?? new Date();
    if (detectedAt > latest) {
      const why = incident.decidedAt ? `the rollback was decided (${at(incident.decidedAt)})` : "now";
      throw new AppError("bad_request:validation", `Detection cannot come after ${why}`, {
        detectedAt: [`Cannot be after ${why}`],
      });
    }
    const [row] = await tx.update(incidents).set({ detectedAt }).where(eq(incidents.id, incident.id)).returning();
    return {
      result: { incidentId: row!.id, detectedAt: row!.detectedAt },
      audit: {
        action: "incident.detection_corrected",
        before: { detectedAt: incident.detectedAt.toISOString() },
        after: { detectedAt: detectedAt.toISOString() },
      },
    };
  });
}
