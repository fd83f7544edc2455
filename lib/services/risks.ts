import { and, eq } from "drizzle-orm";
import { memberships, risks, users } from "@/db/schema";
import { riskScore } from "@/lib/domain/risk";
import { AppError } from "@/lib/errors";
import { addRiskSchema, removeRiskSchema, setRiskStatusSchema, updateRiskSchema } from "@/lib/validation/planning";
import { parseInput } from "@/lib/validation/parse";
import type { ServiceContext, Tx } from "./context";
import { changePlanning, refuse } from "./planning";

// A plan's risk register: description, likelihood × impact, mitigation, owner, status. The owner
// is one of the project's members (their name is kept as the label, so the register still reads
// the same if they leave) or anyone named in free text.
//
// A finished plan's register is history, with one exception: a risk's status may still change,
// since risks are often closed, or accepted for good, after the release has ended.

type RiskRow = typeof risks.$inferSelect;

const NEED = { action: "risk:edit", what: "its risk register" } as const;

const riskView = (r: RiskRow) => ({
  description: r.description,
  likelihood: r.likelihood,
  impact: r.impact,
  score: riskScore(r.likelihood, r.impact),
  mitigation: r.mitigation,
  ownerId: r.ownerId,
  ownerLabel: r.ownerLabel,
  status: r.status,
});

/** What a risk form describes, as the risk row stores it; its owner is resolved apart, its status set apart. */
const riskColumns = (r: Pick<RiskRow, "description" | "likelihood" | "impact" | "mitigation">) => ({
  description: r.description,
  likelihood: r.likelihood,
  impact: r.impact,
  mitigation: r.mitigation,
});

/** The owner as stored: a member of the project (named by their name) or the free text given. */
async function resolveOwner(tx: Tx, projectId: string, ownerId: string | null, ownerLabel: string) {
  if (!ownerId) return { ownerId: null, ownerLabel };
  const [member] = await tx
    .select({ name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, ownerId)))
    .limit(1);
  if (!member) refuse({ ownerId: ["Choose someone in this project, or name the owner in words"] });
  return { ownerId, ownerLabel: member.name };
}

async function loadRisk(tx: Tx, planId: string, riskId: string): Promise<RiskRow> {
  const [row] = await tx
    .select()
    .from(risks)
    .where(and(eq(risks.id, riskId), eq(risks.planId, planId)));
  if (!row) throw new AppError("not_found:entity", "No such risk in this plan");
  return row;
}

export async function addRisk(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addRiskSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const owner = await resolveOwner(tx, plan.projectId, data.ownerId, data.ownerLabel);
    const [row] = await tx
      .insert(risks)
      .values({ planId: plan.id, ...riskColumns(data), status: data.status, ...owner })
      .returning();
    return {
      result: { riskId: row!.id },
      audit: { action: "risk.added", entityType: "risk", entityId: row!.id, after: riskView(row!) },
    };
  });
}

export async function updateRisk(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateRiskSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const risk = await loadRisk(tx, plan.id, data.riskId);
    const owner = await resolveOwner(tx, plan.projectId, data.ownerId, data.ownerLabel);
    const [after] = await tx
      .update(risks)
      .set({ ...riskColumns(data), ...owner })
      .where(eq(risks.id, risk.id))
      .returning();
    return {
      result: { riskId: risk.id },
      audit: {
        action: "risk.updated",
        entityType: "risk",
        entityId: risk.id,
        before: riskView(risk),
        after: riskView(after!),
      },
    };
  });
}

export async function setRiskStatus(ctx: ServiceContext, input: unknown) {
  const data = parseInput(setRiskStatusSchema, input);
  return changePlanning(
    ctx,
    data.planId,
    { ...NEED, allowWhen: ["completed", "rolled_back", "cancelled"] },
    async ({ tx, plan }) => {
      const risk = await loadRisk(tx, plan.id, data.riskId);
      if (risk.status === data.status) refuse({ status: [`The risk is already ${data.status}`] });
      await tx.update(risks).set({ status: data.status }).where(eq(risks.id, risk.id));
      return {
        result: { riskId: risk.id, status: data.status },
        audit: {
          action: "risk.status_changed",
          entityType: "risk",
          entityId: risk.id,
          before: { status: risk.status },
          after: { status: data.status, description: risk.description },
        },
      };
    },
  );
}

export async function removeRisk(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeRiskSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const risk = await loadRisk(tx, plan.id, data.riskId);
    await tx.delete(risks).where(eq(risks.id, risk.id));
    return {
      result: { riskId: risk.id },
      audit: { action: "risk.removed", entityType: "risk", entityId: risk.id, before: riskView(risk) },
    };
  });
}
