import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as planRoute } from "@/app/api/v1/plans/[planId]/route";
import { POST as decide } from "@/app/api/v1/plans/[planId]/decisions/route";
import { GET as status } from "@/app/api/v1/plans/[planId]/status/route";
import { setProcessDatabase } from "@/db/client";
import { transitionPlan } from "@/lib/services/decisions";
import { createFreeze, removeFreeze } from "@/lib/services/freezes";
import { planResponseSchema, planStatusResponseSchema } from "@/lib/validation/api";
import { planWithTokens } from "../support/api-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

type Route = (request: Request, context: { params: Promise<{ planId: string }> }) => Promise<Response>;

const utcWall = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

describe.each(backends)("the API reports change freezes on %s", (kind) => {
  let t: TestDatabase;
  let fixture: Awaited<ReturnType<typeof planWithTokens<"deploy">>>;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    fixture = await planWithTokens(t.handle.db, "blank", "Frozen plan", { deploy: ["plans:read", "decisions:write"] });
    await transitionPlan(fixture.ctx, { planId: fixture.planId, version: 1, action: "start" });
  });
  afterAll(async () => t?.drop());

  const call = (route: Route, method = "GET", body?: unknown) =>
    route(
      new Request(`http://test/api/v1/plans/${fixture.planId}`, {
        method,
        headers: { authorization: `Bearer ${fixture.tokens.deploy}`, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
      { params: Promise.resolve({ planId: fixture.planId }) },
    );

  const freeze = (name: string, from: number, to: number) =>
    createFreeze(fixture.ctx, {
      name,
      kind: "one_off",
      scope: "project",
      projectId: fixture.projectId,
      timeZone: "UTC",
      startsAt: utcWall(from),
      endsAt: utcWall(to),
    });

  test("no freeze: null, and the next one within a day is announced", async () => {
    const soon = await freeze("Evening freeze", 180, 240);
    const body = planStatusResponseSchema.parse(await (await call(status as Route)).json());
    expect(body.freeze).toBeNull();
    expect(body.nextFreeze).toMatchObject({ name: "Evening freeze" });
    expect(body.nextFreeze?.sentence).toMatch(/^Change freeze “Evening freeze” starts .*, in 3 h/);
    await removeFreeze(fixture.ctx, { freezeId: soon.freezeId });
  });

  test("during a freeze: the status and the plan name it, isGo is false, and a go is 409 naming it", async () => {
    const on = await freeze("Release freeze", -30, 90);
    try {
      const res = await call(status as Route);
      expect(res.status).toBe(200);
      const body = planStatusResponseSchema.parse(await res.json());
      expect(body.freeze).toMatchObject({ name: "Release freeze", untilAtLeast: false });
      expect(body.freeze?.sentence).toMatch(/^Change freeze “Release freeze” is on until .* \(UTC\)$/);
      expect(new Date(body.freeze!.until).getTime()).toBeGreaterThan(Date.now());
      expect(body.isGo).toBe(false);

      const plan = planResponseSchema.parse(await (await call(planRoute as Route)).json());
      expect(plan.freeze?.name).toBe("Release freeze");

      const go = await call(decide as Route, "POST", { version: body.version, kind: "go", rationale: "Pipeline" });
      expect(go.status).toBe(409);
      expect(JSON.stringify(await go.json())).toContain("Release freeze");
      const noGo = await call(decide as Route, "POST", { version: body.version, kind: "no_go", rationale: "Hold" });
      expect(noGo.status).toBe(200);
    } finally {
      await removeFreeze(fixture.ctx, { freezeId: on.freezeId });
    }
  });
});
