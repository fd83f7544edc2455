import "server-only";
import { eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { digestSchedules, projects, webhooks } from "@/db/schema";
import { readableProjectIds, type UserActor, userCan } from "@/lib/auth/actor";
import {
  type DigestDocument,
  type DigestFacts,
  type DigestScope,
  digestDocument,
  documentMarkdown,
} from "@/lib/domain/digest";
import { type DigestSlot, nextDueAt } from "@/lib/domain/digest-schedule";
import { loadDigestFacts } from "@/lib/reads/digest";

// The digest page and its download: the weekly digest of one project, or of every project the
// person may read (the portfolio), and, for whoever may schedule it, its schedule.

export interface DigestScheduleView {
  weekday: DigestSlot["weekday"];
  hour: number;
  timeZone: string;
  webhookIds: string[];
  enabled: boolean;
  lastSentFor: string | null;
  lastSentAt: Date | null;
  nextDueAt: Date | null;
}

export interface DigestView {
  scope: DigestScope;
  projectId: string | null;
  facts: DigestFacts;
  /** Plans link to their pages. */
  document: DigestDocument;
  markdown: string;
  /** Release managers schedule a project's digest, administrators the portfolio's; null: the person may not. */
  scheduling: {
    schedule: DigestScheduleView | null;
    webhooks: { id: string; name: string; project: string; enabled: boolean }[];
  } | null;
}

/** The digest the person asked for; null when the project does not exist or is not theirs to read. */
export async function loadDigestView(
  db: Database,
  user: UserActor,
  {
    projectSlug,
    now = new Date(),
    baseUrl = "",
  }: {
    projectSlug: string | null;
    now?: Date;
    /** Where plan links point: "" within the app; a download names the app's address. */
    baseUrl?: string;
  },
): Promise<DigestView | null> {
  let scope: DigestScope = { kind: "portfolio" };
  let projectId: string | null = null;
  if (projectSlug !== null) {
    const [project] = await db
      .select({ id: projects.id, slug: projects.slug, name: projects.name })
      .from(projects)
      .where(eq(projects.slug, projectSlug));
    if (!project || !userCan(user, "project:read", project.id)) return null;
    scope = { kind: "project", slug: project.slug, name: project.name };
    projectId = project.id;
  }
  const facts = await loadDigestFacts(db, projectId ? [projectId] : readableProjectIds(user), now);
  const document = digestDocument(facts, { now, scope, baseUrl });
  const markdown = documentMarkdown(document);
  const maySchedule = projectId ? userCan(user, "token:manage", projectId) : user.isAdmin;
  return {
    scope,
    projectId,
    facts,
    document,
    markdown,
    scheduling: maySchedule ? await loadScheduling(db, projectId, now) : null,
  };
}

async function loadScheduling(db: Database, projectId: string | null, now: Date) {
  const [[row], hooks] = await Promise.all([
    db
      .select()
      .from(digestSchedules)
      .where(projectId === null ? isNull(digestSchedules.projectId) : eq(digestSchedules.projectId, projectId)),
    db
      .select({ id: webhooks.id, name: webhooks.name, project: projects.name, enabled: webhooks.enabled })
      .from(webhooks)
      .innerJoin(projects, eq(projects.id, webhooks.projectId))
      .where(projectId === null ? undefined : eq(webhooks.projectId, projectId))
      .orderBy(projects.name, webhooks.name),
  ]);
  const schedule: DigestScheduleView | null = row
    ? {
        weekday: row.weekday as DigestSlot["weekday"],
        hour: row.hour,
        timeZone: row.timeZone,
        webhookIds: row.webhookIds,
        enabled: row.enabled,
        lastSentFor: row.lastSentFor,
        lastSentAt: row.lastSentAt,
        nextDueAt: row.enabled
          ? nextDueAt({ weekday: row.weekday as DigestSlot["weekday"], hour: row.hour, timeZone: row.timeZone }, now)
          : null,
      }
    : null;
  return { schedule, webhooks: hooks };
}
