import { createHash } from "node:crypto";
import "server-only";
import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { approvals, checklistItems, checklists, gates, phases, plans, projects, signOffs } from "@/db/schema";
import type { ItemState, ProjectRole } from "@/db/schema/enums";
import { type UserActor, rolesIn } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { groupBy } from "@/lib/domain/group-by";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { type DueStatus, dueStatus, windowTiming } from "@/lib/domain/validation-windows";

export interface WorkItem {
  kind: "item" | "sign_off" | "approval";
  planId: string;
  planName: string;
  project: string;
  list: string | null;
  phase: string | null;
  text: string;
  state?: string;
  reason?: string | null;
  due: DueStatus | null;
  dueAt: Date | null;
  detail: string;
}

const urgency: Record<DueStatus | "none", number> = {
  overdue: 0,
  due: 1,
  upcoming: 2,
  not_started: 3,
  settled: 4,
  none: 2,
};

/**
 * Everything waiting on a person across plans: items assigned to them or their roles, sign-offs
 * their roles owe, and gates they can approve. Only what is actionable now: plan-wide lists and
 * the lists of active phases, in plans that are not finished.
 */
export async function loadMyWork(db: Database, user: UserActor, now = new Date()): Promise<WorkItem[]> {
  const projectIds = [...user.roles.keys()];
  if (projectIds.length === 0) return [];
  const roleIn = (projectId: string): readonly ProjectRole[] => rolesIn(user, projectId);

  // The lists that are actionable now, as a subquery: the items and sign-offs are read beside the
  // lists, not after them with thousands of list ids bound as parameters.
  const inScope = and(
    inArray(plans.projectId, projectIds),
    notInArray(plans.status, [...TERMINAL]),
    or(isNull(checklists.phaseId), eq(phases.status, "active")),
  );
  const actionable = db
    .select({ id: checklists.id })
    .from(checklists)
    .innerJoin(plans, eq(plans.id, checklists.planId))
    .leftJoin(phases, eq(phases.id, checklists.phaseId))
    .where(inScope);
  const openGates = and(
    inArray(plans.projectId, projectIds),
    inArray(plans.status, ["in_progress", "paused"]),
    eq(phases.status, "active"),
  );
  const [lists, items, signs, gateRows, live] = await Promise.all([
    db
      .select({
        list: {
          id: checklists.id,
          title: checklists.title,
          window: checklists.window,
          requiredSignoffRoles: checklists.requiredSignoffRoles,
        },
        plan: { id: plans.id, name: plans.name, projectId: plans.projectId },
        project: projects.name,
        phase: { name: phases.name, status: phases.status, startedAt: phases.actualStartAt },
      })
      .from(checklists)
      .innerJoin(plans, eq(plans.id, checklists.planId))
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .leftJoin(phases, eq(phases.id, checklists.phaseId))
      .where(inScope),
    // Plain SQL: a person in every project has tens of thousands of items, and the query
    // builder's per-cell result mapping cost more than the query.
    db
      .execute(
        sql`select checklist_id, text, state, reason, required, assignee_user_id, assignee_role from ${checklistItems} where ${inArray(checklistItems.checklistId, actionable)}`,
      )
      .then((result) =>
        rowsOf<{
          checklist_id: string;
          text: string;
          state: ItemState;
          reason: string | null;
          required: boolean;
          assignee_user_id: string | null;
          assignee_role: ProjectRole | null;
        }>(result).map((r) => ({
          checklistId: r.checklist_id,
          text: r.text,
          state: r.state,
          reason: r.reason,
          required: r.required,
          assigneeUserId: r.assignee_user_id,
          assigneeRole: r.assignee_role,
        })),
      ),
    db
      .select({ checklistId: signOffs.checklistId, role: signOffs.role })
      .from(signOffs)
      .where(and(inArray(signOffs.checklistId, actionable), isNull(signOffs.voidedAt))),
    db
      .select({
        gate: { id: gates.id, requiredApprovals: gates.requiredApprovals, approverRoles: gates.approverRoles },
        phase: { id: phases.id, name: phases.name },
        plan: { id: plans.id, name: plans.name, projectId: plans.projectId },
        project: projects.name,
      })
      .from(gates)
      .innerJoin(phases, eq(phases.id, gates.phaseId))
      .innerJoin(plans, eq(plans.id, phases.planId))
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .where(openGates),
    db
      .select({ gateId: approvals.gateId, userId: approvals.userId })
      .from(approvals)
      .where(
        and(
          isNull(approvals.voidedAt),
          inArray(
            approvals.gateId,
            db
              .select({ id: gates.id })
              .from(gates)
              .innerJoin(phases, eq(phases.id, gates.phaseId))
              .innerJoin(plans, eq(plans.id, phases.planId))
              .where(openGates),
          ),
        ),
      ),
  ]);

  // Grouped once: a person in many projects has thousands of items across hundreds of lists.
  const itemsByList = groupBy(items, (i) => i.checklistId);
  const signsByList = groupBy(signs, (s) => s.checklistId);
  const work: WorkItem[] = [];
  for (const { list, plan, project, phase } of lists) {
    const mine = roleIn(plan.projectId);
    const own = itemsByList.get(list.id) ?? [];
    const canTick = can({ isAdmin: false, roles: mine }, "checklist:tick");
    for (const item of own) {
      if (item.state === "done" || item.state === "not_applicable") continue;
      const assigned =
        item.assigneeUserId === user.userId ||
        (item.assigneeRole !== null && mine.includes(item.assigneeRole) && canTick);
      if (!assigned) continue;
      const due = list.window ? dueStatus(list.window, phase?.startedAt ?? null, item.state, now) : null;
      work.push({
        kind: "item",
        planId: plan.id,
        planName: plan.name,
        project,
        list: list.title,
        phase: phase?.name ?? null,
        text: item.text,
        state: item.state,
        reason: item.reason,
        due,
        dueAt: list.window && phase?.startedAt ? windowTiming(list.window, phase.startedAt).dueAt : null,
        detail: item.required ? "Required" : "Optional",
      });
    }
    const signed = (signsByList.get(list.id) ?? []).map((s) => s.role);
    const owed = list.requiredSignoffRoles.filter((r) => mine.includes(r) && !signed.includes(r));
    if (owed.length && can({ isAdmin: false, roles: mine }, "checklist:sign")) {
      const progress = checklistProgress(own);
      work.push({
        kind: "sign_off",
        planId: plan.id,
        planName: plan.name,
        project,
        list: list.title,
        phase: phase?.name ?? null,
        text: `Sign off “${list.title}” as ${owed[0]!.replace("_", " ")}`,
        due: null,
        dueAt: null,
        detail: progress.complete
          ? "Ready to sign"
          : `Waiting on ${progress.requiredOutstanding} required item${progress.requiredOutstanding === 1 ? "" : "s"}`,
      });
    }
  }

  const approvalsByGate = groupBy(live, (a) => a.gateId);
  for (const { gate, phase, plan, project } of gateRows) {
    const mine = roleIn(plan.projectId);
    if (!mine.some((r) => gate.approverRoles.includes(r)) || !can({ isAdmin: false, roles: mine }, "gate:approve"))
      continue;
    const given = approvalsByGate.get(gate.id) ?? [];
    if (given.length >= gate.requiredApprovals || given.some((a) => a.userId === user.userId)) continue;
    work.push({
      kind: "approval",
      planId: plan.id,
      planName: plan.name,
      project,
      list: null,
      phase: phase.name,
      text: `Approve the go/no-go gate of ${phase.name}`,
      due: null,
      dueAt: null,
      detail: `${given.length} of ${gate.requiredApprovals} approvals given`,
    });
  }

  return work.sort(
    (a, b) =>
      urgency[a.due ?? "none"] - urgency[b.due ?? "none"] ||
      (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity),
  );
}

/**
 * What My work shows, in a few bytes: changes when a thing is added, settled, blocked or falls
 * due. An open My work page polls it and re-renders only when it differs from what it shows.
 */
export function workFingerprint(work: readonly WorkItem[]): string {
  const hash = createHash("sha256");
  for (const w of work) {
    hash.update(`${w.kind}\u0000${w.planId}\u0000${w.list ?? ""}\u0000${w.phase ?? ""}\u0000${w.text}\u0000`);
    hash.update(`${w.state ?? ""}\u0000${w.reason ?? ""}\u0000${w.due ?? ""}\u0000${w.dueAt?.getTime() ?? ""}\n`);
  }
  return `${work.length}:${hash.digest("base64url").slice(0, 22)}`;
}
