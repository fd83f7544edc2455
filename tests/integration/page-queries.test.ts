import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { memberships } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { readableProjectIds } from "@/lib/auth/actor";
import { loadUserActor } from "@/lib/auth/user-actor";
import { pageOf } from "@/lib/domain/paging";
import { PORTFOLIO_PAGE_SIZE } from "@/lib/domain/portfolio";
import type { TemplateKey } from "@/lib/domain/templates";
import { auditPage } from "@/lib/queries/audit";
import { loadDigestView } from "@/lib/queries/digest";
import { loadMyWork } from "@/lib/queries/my-work";
import { loadPlanView } from "@/lib/queries/plan";
import { loadPortfolio, withGateBlockers } from "@/lib/queries/portfolio";
import { projectPlans } from "@/lib/queries/projects";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { auditFilterSchema } from "@/lib/validation/audit";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// No N+1: the queries each page's loader sends are counted with a few plans and again with many
// more (running ones among them); the counts must not grow with the number of plans.

const templates: TemplateKey[] = ["canary", "staged", "blue_green", "backend_migration"];

describe.each(backends)("queries per page on %s", (kind) => {
  let t: TestDatabase;
  let counting = false;
  let queries = 0;
  let projectId: string;
  let otherProjectId: string;
  let person: UserActor;
  let watchedPlanId: string;
  let made = 0;

  beforeAll(async () => {
    t = await createTestDatabase(kind, { onQuery: () => void (counting && queries++) });
    projectId = (await makeProject(t.handle.db)).id;
    otherProjectId = (await makeProject(t.handle.db)).id;
    const rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager", "engineer", "approver"] });
    for (const role of ["release_manager", "engineer", "approver"] as const) {
      await t.handle.db.insert(memberships).values({ projectId: otherProjectId, userId: rm.userId, role });
    }
    person = (await loadUserActor(t.handle.db, rm.userId))!;
    watchedPlanId = await addPlans(4, 2);
  }, 120_000);
  afterAll(async () => t?.drop());

  /** `total` plans over both projects, the first `running` of them started; returns the first plan's id. */
  async function addPlans(total: number, running: number): Promise<string> {
    const ctx = { db: t.handle.db, actor: person, requestId: null };
    let first = "";
    for (let i = 0; i < total; i++) {
      const n = made++;
      const { planId } = await createPlan(ctx, {
        projectId: n % 2 ? otherProjectId : projectId,
        template: templates[n % templates.length],
        name: `Plan ${n}`,
        releaseVersion: `1.${n}.0`,
      });
      if (i < running) await transitionPlan(ctx, { planId, version: 1, action: "start" });
      first ||= planId;
    }
    return first;
  }

  async function count(load: () => Promise<unknown>): Promise<number> {
    queries = 0;
    counting = true;
    try {
      await load();
    } finally {
      counting = false;
    }
    return queries;
  }

  const pages = {
    portfolio: async () =>
      withGateBlockers(
        t.handle.db,
        pageOf(await loadPortfolio(t.handle.db, new Date(), readableProjectIds(person)), 1, PORTFOLIO_PAGE_SIZE).rows,
        new Date(),
      ),
    plan: async () => loadPlanView(t.handle.db, watchedPlanId, new Date()),
    digest: async () => loadDigestView(t.handle.db, person, { projectSlug: null, now: new Date() }),
    myWork: async () => loadMyWork(t.handle.db, person, new Date()),
    audit: async () =>
      Promise.all([
        auditPage(t.handle.db, projectId, auditFilterSchema.parse({})),
        projectPlans(t.handle.db, projectId),
      ]),
  };

  /** One loader at a time, so each count is its own. */
  async function countAll(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [name, load] of Object.entries(pages)) counts[name] = await count(load);
    return counts;
  }

  test("the portfolio, a plan page, My work and the audit page send as many queries with 4 plans as with 40", async () => {
    const few = await countAll();
    await addPlans(36, 12);
    const many = await countAll();
    // Each loader ran: a page that sent nothing would pass for the wrong reason.
    for (const n of Object.values(few)) expect(n).toBeGreaterThan(0);
    expect(many).toEqual(few);
    // And they are few: a handful of set-based reads, not one per plan, phase or KPI.
    expect(few.portfolio).toBeLessThanOrEqual(20);
    expect(few.myWork).toBeLessThanOrEqual(6);
    expect(few.audit).toBeLessThanOrEqual(4);
    expect(few.digest).toBeLessThanOrEqual(20);
  }, 180_000);
});
