import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as exportRoute } from "@/app/api/v1/plans/[planId]/export/route";
import { POST as importRoute } from "@/app/api/v1/plans/import/route";
import { setProcessDatabase } from "@/db/client";
import { auditEvents, checklistItems, checklists, metrics, phases, plans, rollbackTriggers } from "@/db/schema";
import { parsePlanMarkdown, type PlanDocument } from "@/lib/domain/plan-markdown";
import { loadPlanForExport } from "@/lib/queries/plan-export";
import { importPlan } from "@/lib/services/plan-import";
import { createApiToken } from "@/lib/services/tokens";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const fixtures = path.join(process.cwd(), "..", "shared", "fixtures", "plans");
const own = `# Checkout v2

**Version:** 2.4.0

## Pre-Deployment Checklist

- [x] All tests passing
- [ ] Code review approved

## Stage 1: Canary

### Audience
5% of traffic

### Duration
2 days

### Success Criteria
- [ ] Error rate < 1%

## Stage 2: GA

### Audience
All users

## Key Metrics

| Metric | Target | Alert | Critical |
|---|---|---|---|
| Error rate | < 1% | > 2% | > 5% |

## Rollback Triggers

- Error rate > 5% for 5 min

## Roles

- Release manager: Dana

## Lessons

Brief support first.
`;
const document = fs.existsSync(fixtures)
  ? fs.readFileSync(path.join(fixtures, "staged-rollout-template.md"), "utf8")
  : own;

describe.each(backends)("plans as Markdown on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let writer: string;
  let reader: string;
  let otherProjectToken: string;
  let rmCtx: Parameters<typeof importPlan>[0];

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    const db = t.handle.db;
    const project = await makeProject(db);
    projectId = project.id;
    const rm = await makeUser(db, { projectId, roles: ["release_manager"] });
    rmCtx = { db, actor: rm, requestId: null };
    writer = (await createApiToken(rmCtx, { projectId, name: "ci", scopes: ["plans:write", "plans:read"] })).token;
    reader = (await createApiToken(rmCtx, { projectId, name: "dash", scopes: ["plans:read"] })).token;
    const other = await makeProject(db);
    const otherRm = await makeUser(db, { projectId: other.id, roles: ["release_manager"] });
    otherProjectToken = (
      await createApiToken(
        { db, actor: otherRm, requestId: null },
        { projectId: other.id, name: "other", scopes: ["plans:write", "plans:read"] },
      )
    ).token;
  });
  afterAll(async () => t?.drop());

  const post = (token: string, body: string, query = "", type = "text/markdown") =>
    (importRoute as (r: Request, c: { params: Promise<Record<string, never>> }) => Promise<Response>)(
      new Request(`http://test/api/v1/plans/import${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body,
      }),
      { params: Promise.resolve({}) },
    );
  const get = (token: string, planId: string, format = "markdown") =>
    (exportRoute as (r: Request, c: { params: Promise<{ planId: string }> }) => Promise<Response>)(
      new Request(`http://test/api/v1/plans/${planId}/export?format=${format}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      { params: Promise.resolve({ planId }) },
    );
  const planCount = async () =>
    (await t.handle.db.select({ id: plans.id }).from(plans).where(eq(plans.projectId, projectId))).length;

  test("without ?save=1 the API returns the preview and saves nothing", async () => {
    const before = await planCount();
    const res = await post(writer, document);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { preview: PlanDocument; planId?: string };
    expect(body.planId).toBeUndefined();
    expect(body.preview).toEqual(parsePlanMarkdown(document));
    expect(body.preview.phases.length).toBeGreaterThan(1);
    expect(await planCount()).toBe(before);
  });

  test("bad requests name the problem; a document without a version is refused on save with 422", async () => {
    const wrongType = await post(writer, document, "", "application/json");
    expect(wrongType.status).toBe(400);
    expect(
      ((await wrongType.json()) as { error: { fields: Record<string, string[]> } }).error.fields.body,
    ).toBeDefined();
    expect((await post(writer, "   ")).status).toBe(400);
    // Over the 1 MB body cap: refused as too large, read no further.
    expect((await post(writer, "x".repeat(1_000_001))).status).toBe(413);
    const noVersion = await post(writer, "# Plan\n\n## Stage 1: All\n\n### Audience\n100% of users\n", "?save=1");
    expect(noVersion.status).toBe(422);
    expect(
      ((await noVersion.json()) as { error: { fields: Record<string, string[]> } }).error.fields.version,
    ).toBeDefined();
    expect(await planCount()).toBe(0);
  });

  test("?name= and ?version= past a plan's limits are refused naming the field, preview or not (found by the API fuzz)", async () => {
    for (const query of ["", "&save=1"]) {
      const longVersion = await post(writer, document, `?version=${"x".repeat(41)}${query}`);
      expect(longVersion.status).toBe(400);
      expect(((await longVersion.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({
        version: ["At most 40 characters"],
      });
      const longName = await post(writer, document, `?name=${"n".repeat(121)}${query}`);
      expect(longName.status).toBe(400);
      expect(((await longName.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({
        name: ["At most 120 characters"],
      });
    }
    // An oversized body is refused as such first, whatever the parameters say (found by the API fuzz).
    expect((await post(writer, "x".repeat(1_000_001), `?name=${"n".repeat(121)}`)).status).toBe(413);
    const atLimit = await post(writer, document, `?version=${"9".repeat(40)}&name=${"n".repeat(120)}`);
    expect(atLimit.status).toBe(200);
    expect(((await atLimit.json()) as { preview: PlanDocument }).preview.version).toBe("9".repeat(40));
    expect(await planCount()).toBe(0);
  });

  test("?save=1 creates the plan with everything, in one transaction with its audit event", async () => {
    const res = await post(writer, own, "?save=1");
    expect(res.status).toBe(200);
    const { planId, preview } = (await res.json()) as { planId: string; preview: PlanDocument };
    const db = t.handle.db;
    const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
    expect(plan).toMatchObject({ projectId, name: "Checkout v2", releaseVersion: "2.4.0", status: "draft" });
    expect(plan!.notes).toContain("Release manager");
    expect(
      (await db.select().from(phases).where(eq(phases.planId, planId))).map((p) => [p.name, p.trafficPercent]).sort(),
    ).toEqual([
      ["Canary", 5],
      ["GA", 100],
    ]);
    const lists = await db.select().from(checklists).where(eq(checklists.planId, planId));
    expect(lists.map((c) => [c.title, c.kind]).sort()).toEqual([
      ["Pre-Deployment Checklist", "pre_deployment"],
      ["Success Criteria", "go_no_go"],
    ]);
    const items = await db
      .select()
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, lists.find((c) => c.kind === "pre_deployment")!.id));
    expect(items.map((i) => [i.key, i.state]).sort()).toEqual([
      ["all-tests-passing", "done"],
      ["code-review-approved", "open"],
    ]);
    const [metric] = await db.select().from(metrics).where(eq(metrics.planId, planId));
    expect(metric).toMatchObject({ key: "error_rate", target: 1, alertThreshold: 2, criticalThreshold: 5 });
    const [trigger] = await db.select().from(rollbackTriggers).where(eq(rollbackTriggers.planId, planId));
    expect(trigger).toMatchObject({
      metricId: metric!.id,
      comparison: "gt",
      value: 5,
      durationMinutes: 5,
      action: "automatic_rollback",
    });
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.planId, planId));
    expect(audit.map((a) => [a.action, a.actorKind])).toEqual([["plan.created", "token"]]);
    expect(preview.notes.map((n) => n.section)).toEqual(["Lessons"]);
  });

  test("export then import gives the same stored plan, field by field", async () => {
    const first = await importPlan(rmCtx, { projectId, preview: { ...parsePlanMarkdown(document), version: "1.0.0" } });
    const exported = await get(reader, first.planId);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("text/markdown");
    const markdown = await exported.text();
    const again = await post(writer, markdown, "?save=1");
    expect(again.status).toBe(200);
    const { planId: second } = (await again.json()) as { planId: string };
    const a = await loadPlanForExport(t.handle.db, first.planId);
    const b = await loadPlanForExport(t.handle.db, second);
    for (const field of [
      "name",
      "version",
      "summary",
      "strategy",
      "phases",
      "checklists",
      "metrics",
      "triggers",
      "risks",
      "comms",
      "escalation",
      "roles",
      "notes",
    ] as const) {
      expect(b!.document[field], field).toEqual(a!.document[field]);
    }
    const spans = async (planId: string) =>
      (await t.handle.db.select().from(phases).where(eq(phases.planId, planId)))
        .sort((x, y) => x.position - y.position)
        .map((p) => [
          p.name,
          p.trafficPercent,
          p.audience,
          p.goal,
          p.plannedEndAt!.getTime() - p.plannedStartAt!.getTime(),
        ]);
    expect(await spans(second)).toEqual(await spans(first.planId));

    const json = await get(reader, first.planId, "json");
    expect(((await json.json()) as { plan: PlanDocument }).plan).toEqual(a!.document);
  });

  test("scopes, projects and permissions are refused", async () => {
    expect((await post(reader, own)).status).toBe(403);
    expect((await post(writer, own, `?project=${crypto.randomUUID()}`)).status).toBe(404);
    const [anyPlan] = await t.handle.db.select().from(plans).where(eq(plans.projectId, projectId));
    expect((await get(otherProjectToken, anyPlan!.id)).status).toBe(404);
    expect((await get(reader, anyPlan!.id, "pdf")).status).toBe(400);
    expect((await post("pgt_not-a-token", own)).status).toBe(401);
    const engineer = await makeUser(t.handle.db, { projectId, roles: ["engineer"] });
    await expect(
      importPlan({ db: t.handle.db, actor: engineer, requestId: null }, { projectId, preview: parsePlanMarkdown(own) }),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
  });

  test("the service validates the preview again: hostile or broken input never lands", async () => {
    const preview = parsePlanMarkdown(own);
    const before = await planCount();
    const tampered = {
      ...preview,
      phases: [{ ...preview.phases[0]!, trafficPercent: 250 }],
      metrics: [{ ...preview.metrics[0]!, alert: 10, critical: 3 }],
    };
    await expect(importPlan(rmCtx, { projectId, preview: tampered })).rejects.toMatchObject({
      code: "bad_request:validation",
      fieldErrors: expect.objectContaining({
        "preview.phases.0.trafficPercent": expect.any(Array),
        "preview.metrics.0.critical": expect.any(Array),
      }),
    });
    const { planId } = await importPlan(rmCtx, { projectId, preview: { ...preview, name: "Ok\u0000 <b>name</b>" } });
    const [plan] = await t.handle.db.select().from(plans).where(eq(plans.id, planId));
    expect(plan!.name).toBe("Ok <b>name</b>");
    expect(await planCount()).toBe(before + 1);
  });
});
