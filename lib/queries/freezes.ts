import "server-only";
import { desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { freezeOverrides, users } from "@/db/schema";
import {
  activeFreeze,
  describeFreeze,
  freezeSentence,
  freezesFor,
  instantWords,
  nextFreeze,
  occurrencesBetween,
} from "@/lib/domain/freeze";
import { loadFreezes, type StoredFreeze } from "@/lib/reads/freezes";

// The change freezes as pages show them: the list of a project's (or the instance's) freezes,
// their windows over a stretch of time for the roadmap, the banner of the portfolio, and the
// emergency override a plan page shows during a freeze.

const YEAR_MS = 366 * 86_400_000;

export interface FreezeListItem {
  id: string;
  name: string;
  scope: "instance" | "project";
  description: string;
  /** "On now, until …", "Next: Fri 5 Dec, 16:00 (Europe/Berlin)" or "No window to come". */
  when: string;
  active: boolean;
}

function listItem(freeze: StoredFreeze, now: Date): FreezeListItem {
  const active = activeFreeze([freeze], now);
  const next = active ? null : nextFreeze([freeze], now, YEAR_MS);
  return {
    id: freeze.id,
    name: freeze.name,
    scope: freeze.scope,
    description: describeFreeze(freeze),
    when: active
      ? freezeSentence(active, now)
      : next
        ? `Next: ${instantWords(next.startsAt, freeze.timeZone, now)} to ${instantWords(next.endsAt, freeze.timeZone, now)}`
        : "No window to come",
    active: Boolean(active),
  };
}

/** A project's own freezes (or, for null, the instance-wide ones), with their next window. */
export async function listFreezes(db: Database, projectId: string | null, now = new Date()): Promise<FreezeListItem[]> {
  const freezes = await loadFreezes(db, projectId);
  return freezes.filter((f) => f.projectId === projectId).map((f) => listItem(f, now));
}

export interface FreezeWindowRow {
  freezeId: string;
  name: string;
  projectId: string | null;
  startsAt: Date;
  endsAt: Date;
  description: string;
}

/**
 * Every window of the freezes holding the given projects (instance-wide ones included) that
 * overlaps [from, to), in order of start: for the roadmap and the portfolio.
 */
export async function freezeWindowsBetween(
  db: Database,
  projectIds: string[] | "all",
  from: Date,
  to: Date,
): Promise<FreezeWindowRow[]> {
  const all = await loadFreezes(db, "all");
  const freezes =
    projectIds === "all"
      ? all
      : all.filter((f) => f.scope === "instance" || projectIds.some((id) => freezesFor([f], id).length > 0));
  return freezes
    .flatMap((f) =>
      occurrencesBetween(f, from, to).map((w) => ({
        freezeId: f.id,
        name: f.name,
        projectId: f.projectId,
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        description: describeFreeze(f),
      })),
    )
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** "Change freeze “X” on until …" for the portfolio: the one holding now, else the next within a week. */
export async function portfolioFreezeBanner(
  db: Database,
  projectIds: string[] | "all",
  now = new Date(),
): Promise<{ tone: "active" | "upcoming"; text: string } | null> {
  const all = await loadFreezes(db, "all");
  const freezes =
    projectIds === "all" ? all : all.filter((f) => f.scope === "instance" || projectIds.includes(f.projectId ?? ""));
  const active = activeFreeze(freezes, now);
  if (active) return { tone: "active", text: freezeSentence(active, now) };
  const next = nextFreeze(freezes, now, 7 * 86_400_000);
  return next
    ? {
        tone: "upcoming",
        text: `Change freeze “${next.freeze.name}” starts ${instantWords(next.startsAt, next.freeze.timeZone, now)}`,
      }
    : null;
}

export interface OverrideView {
  releaseManager: { userId: string; name: string; reason: string } | null;
  admin: { userId: string; name: string; reason: string } | null;
  expiresAt: Date;
}

/** The plan's override waiting for its go, as the plan page shows it; null when there is none. */
export async function openOverrideOf(db: Database, planId: string, now = new Date()): Promise<OverrideView | null> {
  const [row] = await db
    .select()
    .from(freezeOverrides)
    .where(eq(freezeOverrides.planId, planId))
    .orderBy(desc(freezeOverrides.createdAt))
    .limit(1);
  if (!row || row.usedAt || row.expiresAt <= now) return null;
  const ids = [row.releaseManagerId, row.adminId].filter((id): id is string => Boolean(id));
  const people = ids.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))
    : [];
  const name = (id: string) => people.find((p) => p.id === id)?.name ?? "unknown";
  return {
    releaseManager: row.releaseManagerId
      ? { userId: row.releaseManagerId, name: name(row.releaseManagerId), reason: row.releaseManagerReason ?? "" }
      : null,
    admin: row.adminId ? { userId: row.adminId, name: name(row.adminId), reason: row.adminReason ?? "" } : null,
    expiresAt: row.expiresAt,
  };
}
