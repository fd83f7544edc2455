import { eq, inArray } from "drizzle-orm";
import { freezeOverrides, memberships, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { type FreezeOverride, freezeSentence, freezeVerdict } from "@/lib/domain/freeze";
import { AppError } from "@/lib/errors";
import { freezeStateOf } from "@/lib/reads/freezes";
import type { Tx } from "./context";
import { openOverride } from "./freezes";

// The freeze check of a go decision, inside its transaction: refused while a freeze holds the
// plan, unless a complete emergency override is waiting for it (people and tokens may use one;
// automatic advance never does: it waits for the freeze to end).

export interface FreezePass {
  overrideId: string;
  /** What the decision records as its override: the freeze, both signers and their reasons. */
  text: string;
  signers: { releaseManager: string; admin: string };
}

/** Null when no freeze holds the plan; the override to spend when one does and is overridden; throws otherwise. */
export async function checkFreeze(
  tx: Tx,
  actor: Actor,
  plan: { id: string; projectId: string },
  now: Date,
): Promise<FreezePass | null> {
  const { freezes, active } = await freezeStateOf(tx, plan.projectId, now);
  if (!active) return null;
  const open = actor.kind === "system" ? null : await openOverride(tx, plan.id, now);
  const complete = open?.releaseManagerId && open.adminId ? open : null;
  const override = complete ? await signersOf(tx, plan.projectId, complete) : null;
  const verdict = freezeVerdict({
    command: actor.kind === "system" ? "auto_advance" : "go",
    freezes,
    at: now,
    override: override?.override ?? null,
  });
  if (!verdict.allowed)
    throw new AppError("conflict:state", verdict.message, { freeze: [freezeSentence(active, now)] });
  if (!complete || !override) return null;
  const { releaseManager, admin } = override.override;
  return {
    overrideId: complete.id,
    text: `Emergency override of the change freeze (${freezeSentence(active, now)}): release manager ${override.names.releaseManager}: ${releaseManager.reason}; admin ${override.names.admin}: ${admin.reason}`,
    signers: override.names,
  };
}

/** The two signers as the override rules weigh them: their roles and admin flag as they are now. */
async function signersOf(
  tx: Tx,
  projectId: string,
  row: {
    releaseManagerId: string | null;
    releaseManagerReason: string | null;
    adminId: string | null;
    adminReason: string | null;
  },
) {
  const ids = [row.releaseManagerId!, row.adminId!];
  const people = await tx.select().from(users).where(inArray(users.id, ids));
  const roles = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.projectId, projectId));
  const signer = (id: string, reason: string | null) => {
    const user = people.find((p) => p.id === id);
    return {
      userId: id,
      reason: reason ?? "",
      isAdmin: Boolean(user?.isAdmin && !user.disabledAt),
      roles: user?.disabledAt ? [] : roles.filter((r) => r.userId === id).map((r) => r.role),
    };
  };
  const override: FreezeOverride = {
    releaseManager: signer(row.releaseManagerId!, row.releaseManagerReason),
    admin: signer(row.adminId!, row.adminReason),
  };
  const name = (id: string) => people.find((p) => p.id === id)?.name ?? "unknown";
  return { override, names: { releaseManager: name(row.releaseManagerId!), admin: name(row.adminId!) } };
}

/** The go decision an override let through: it cannot be used again. */
export async function spendOverride(tx: Tx, overrideId: string, decisionId: string, now: Date): Promise<void> {
  await tx.update(freezeOverrides).set({ usedAt: now, decisionId }).where(eq(freezeOverrides.id, overrideId));
}
