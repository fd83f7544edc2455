import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { changeFreezes, type ChangeFreezeRow } from "@/db/schema";
import {
  type ActiveFreeze,
  activeFreeze,
  type FreezeRule,
  type FreezeWindow,
  freezesFor,
  nextFreeze,
} from "@/lib/domain/freeze";

// The change freezes in force, as the pure rules read them: the gate, automatic advance, the plan
// page and the API all ask the same question here.

/** A stored freeze: its rule, its id, and when it was made. */
export type StoredFreeze = FreezeRule & { id: string; createdAt: Date };

/** How far ahead an upcoming freeze is announced. */
export const UPCOMING_FREEZE_MS = 24 * 3_600_000;

/** A row as the rules read it. */
export function freezeOfRow(row: ChangeFreezeRow): StoredFreeze {
  const base = {
    id: row.id,
    createdAt: row.createdAt,
    name: row.name,
    scope: row.projectId ? ("project" as const) : ("instance" as const),
    projectId: row.projectId,
    timeZone: row.timeZone,
  };
  return row.kind === "one_off"
    ? { ...base, kind: "one_off", startsAt: row.startsAt ?? "", endsAt: row.endsAt ?? "" }
    : {
        ...base,
        kind: "recurring",
        rrule: row.rrule ?? "",
        from: row.ruleFrom ?? "",
        durationMinutes: row.durationMinutes ?? 1,
      };
}

/**
 * Freezes not removed: those that hold one project (the instance's and its own), only the
 * instance's (null), or every one ("all").
 */
export async function loadFreezes(db: Database | Tx, projectId: string | null | "all"): Promise<StoredFreeze[]> {
  const live = isNull(changeFreezes.removedAt);
  const scope =
    projectId === "all"
      ? live
      : projectId === null
        ? and(live, isNull(changeFreezes.projectId))
        : and(live, or(isNull(changeFreezes.projectId), eq(changeFreezes.projectId, projectId)));
  const rows = await db.select().from(changeFreezes).where(scope).orderBy(asc(changeFreezes.createdAt));
  return rows.map(freezeOfRow);
}

export interface FreezeState {
  /** The freezes that hold the project. */
  freezes: StoredFreeze[];
  active: ActiveFreeze<StoredFreeze> | null;
  /** The next window to start within a day, when none holds the project now. */
  upcoming: FreezeWindow<StoredFreeze> | null;
}

/** Whether a project is frozen at `now`, and the next freeze to come. */
export async function freezeStateOf(db: Database | Tx, projectId: string, now: Date): Promise<FreezeState> {
  const freezes = freezesFor(await loadFreezes(db, "all"), projectId);
  const active = activeFreeze(freezes, now);
  return { freezes, active, upcoming: active ? null : nextFreeze(freezes, now, UPCOMING_FREEZE_MS) };
}
