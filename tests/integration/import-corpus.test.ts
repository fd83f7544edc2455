import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { phases, plans } from "@/db/schema";
import { parsePlanMarkdown, planContent, planToMarkdown } from "@/lib/domain/plan-markdown";
import { loadPlanForExport } from "@/lib/queries/plan-export";
import { transitionPlan } from "@/lib/services/decisions";
import { importPlan } from "@/lib/services/plan-import";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Every document of the corpus (tests/fixtures/plans) imports as a plan that can start: saved as
// previewed, started, its phases and traffic as the document said. Exported from the database
// and imported again, it is the same plan.

const dir = path.join(process.cwd(), "tests", "fixtures", "plans");
const documents = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort();

const content = planContent;

describe.each(backends)("the corpus as plans on %s", (kind) => {
  let t: TestDatabase;
  let ctx: { db: TestDatabase["handle"]["db"]; actor: Awaited<ReturnType<typeof makeUser>>; requestId: null };
  let projectId: string;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(t.handle.db)).id;
    ctx = {
      db: t.handle.db,
      actor: await makeUser(t.handle.db, { projectId, roles: ["release_manager"] }),
      requestId: null,
    };
  }, 120_000);
  afterAll(async () => t?.drop());

  test.each(documents)("%s saves, starts, and exports back as the same plan", async (file) => {
    const preview = parsePlanMarkdown(fs.readFileSync(path.join(dir, file), "utf8"));
    // Documents rarely state a release version; the person fills it in before saving.
    const saved = { ...preview, version: preview.version || "1.0.0" };
    const { planId } = await importPlan(ctx, { projectId, preview: saved });
    const [plan] = await t.handle.db.select().from(plans).where(eq(plans.id, planId));
    expect(plan!.kind).toBe(saved.kind);

    await transitionPlan(ctx, { planId, version: 1, action: "start" });
    const stored = await t.handle.db.select().from(phases).where(eq(phases.planId, planId)).orderBy(phases.position);
    expect(stored.map((p) => p.trafficPercent)).toEqual(saved.phases.map((p) => p.trafficPercent));
    expect(stored[0]!.status).toBe("active");

    const exported = await loadPlanForExport(t.handle.db, planId);
    const again = parsePlanMarkdown(planToMarkdown(exported!.document));
    expect(content(again)).toEqual(content(exported!.document));
    expect({
      kind: again.kind,
      phases: again.phases.map((p) => [p.name, p.trafficPercent]),
      metrics: again.metrics.map((m) => m.key).sort(),
      triggers: again.triggers.length,
    }).toEqual({
      kind: saved.kind,
      phases: saved.phases.map((p) => [p.name, p.trafficPercent]),
      metrics: saved.metrics.map((m) => m.key).sort(),
      triggers: saved.triggers.length,
    });
  });
});
