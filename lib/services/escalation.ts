import { and, eq } from "drizzle-orm";
import { escalationLevels } from "@/db/schema";
import { escalationProblems } from "@/lib/domain/risk";
import { AppError } from "@/lib/errors";
import { addLevelSchema, removeLevelSchema, updateLevelSchema } from "@/lib/validation/planning";
import { parseInput } from "@/lib/validation/parse";
import type { ServiceContext, Tx } from "./context";
import { changePlanning, refuse } from "./planning";

// A plan's escalation matrix: who is called after how many minutes of an incident. Level numbers
// are unique and a higher level is reached strictly later. Editing it takes "risk:edit": the
// matrix is how the plan answers its risks when they happen, kept by whoever keeps the register.
// A finished plan's matrix is history.

type LevelRow = typeof escalationLevels.$inferSelect;

const NEED = { action: "risk:edit", what: "its escalation matrix" } as const;

const levelView = (l: Pick<LevelRow, "level" | "who" | "afterMinutes" | "contact">) => ({
  level: l.level,
  who: l.who,
  afterMinutes: l.afterMinutes,
  contact: l.contact,
});

async function loadLevels(tx: Tx, planId: string): Promise<LevelRow[]> {
  return tx.select().from(escalationLevels).where(eq(escalationLevels.planId, planId));
}

/** The matrix as it would be, checked in words against the field at fault. */
function checkMatrix(levels: readonly Pick<LevelRow, "level" | "who" | "afterMinutes">[]) {
  const problem = escalationProblems(levels);
  if (problem) refuse({ [problem.field]: [problem.message] });
}

export async function addEscalationLevel(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addLevelSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    checkMatrix([...(await loadLevels(tx, plan.id)), data]);
    const [row] = await tx
      .insert(escalationLevels)
      .values({ planId: plan.id, ...levelView(data) })
      .returning();
    return {
      result: { levelId: row!.id },
      audit: {
        action: "escalation_level.added",
        entityType: "escalation_level",
        entityId: row!.id,
        after: levelView(row!),
      },
    };
  });
}

export async function updateEscalationLevel(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateLevelSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const levels = await loadLevels(tx, plan.id);
    const level = levels.find((l) => l.id === data.levelId);
    if (!level) throw new AppError("not_found:entity", "No such escalation level in this plan");
    checkMatrix(levels.map((l) => (l.id === level.id ? { ...l, ...levelView(data) } : l)));
    const [after] = await tx
      .update(escalationLevels)
      .set(levelView(data))
      .where(eq(escalationLevels.id, level.id))
      .returning();
    return {
      result: { levelId: level.id },
      audit: {
        action: "escalation_level.updated",
        entityType: "escalation_level",
        entityId: level.id,
        before: levelView(level),
        after: levelView(after!),
      },
    };
  });
}

export async function removeEscalationLevel(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeLevelSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const [level] = await tx
      .select()
      .from(escalationLevels)
      .where(and(eq(escalationLevels.id, data.levelId), eq(escalationLevels.planId, plan.id)));
    if (!level) throw new AppError("not_found:entity", "No such escalation level in this plan");
    await tx.delete(escalationLevels).where(eq(escalationLevels.id, level.id));
    return {
      result: { levelId: level.id },
      audit: {
        action: "escalation_level.removed",
        entityType: "escalation_level",
        entityId: level.id,
        before: levelView(level),
      },
    };
  });
}
