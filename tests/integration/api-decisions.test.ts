import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as decide } from "@/app/api/v1/plans/[planId]/decisions/route";
import { GET as status } from "@/app/api/v1/plans/[planId]/status/route";
import { setProcessDatabase } from "@/db/client";
import { transitionPlan } from "@/lib/services/decisions";
import { planStatusResponseSchema } from "@/lib/validation/api";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { planWithTokens } from "../support/api-fixture";

type Route = (request: Request, context: { params: Promise<{ planId: string }> }) => Promise<Response>;

describe.each(backends)("pipeline API for decisions on %s", (kind) => {
  let t: TestDatabase;
  let planId: string;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    const fixture = await planWithTokens(t.handle.db, "canary", "API plan", {
      deploy: ["plans:read", "decisions:write"],
      dashboards: ["plans:read"],
    });
    planId = fixture.planId;
    ({ deploy: token, dashboards: readOnly } = fixture.tokens);
    await transitionPlan(fixture.ctx, { planId, version: 1, action: "start" });
  });
  afterAll(async () => t?.drop());

  const call = (route: Route, method: string, auth: string, body?: string, type = "application/json") =>
    route(
      new Request(`http://test/api/v1/plans/${planId}`, {
        method,
        headers: { authorization: `Bearer ${auth}`, "content-type": type, "x-request-id": "pipeline-run-77" },
        ...(body ? { body } : {}),
      }),
      { params: Promise.resolve({ planId }) },
    );

  test("status says whether the phase is go, and why not", async () => {
    const res = await call(status as Route, "GET", readOnly);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      isGo: boolean;
      version: number;
      activePhase: { name: string };
      nextPhase: { name: string };
      gate: { holds: boolean; unmet: string[]; approvals: { given: number; required: number } };
    };
    expect(body).toMatchObject({
      isGo: false,
      version: 2,
      activePhase: { name: "Canary 5%" },
      nextPhase: { name: "Canary 25%" },
      gate: { holds: false, approvals: { given: 0, required: 1 } },
    });
    expect(body.gate.unmet.join(" ")).toMatch(/approvals given/);
    // Not handed to the guard: it waits for a go decision, and the pipeline can read that.
    expect(body.activePhase).toMatchObject({
      autoAdvance: {
        on: false,
        ready: false,
        waitingFor: "off",
        at: null,
        message: "when someone records a go decision",
      },
    });
    // The response is what the OpenAPI document promises.
    expect(planStatusResponseSchema.safeParse(body).error?.issues ?? []).toEqual([]);
  });

  test("decisions: bad JSON, bad fields, stale version, gate refusal, success", async () => {
    const notJson = await call(decide as Route, "POST", token, "{kind:");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toBe("The body is not valid JSON");

    const badFields = await call(decide as Route, "POST", token, JSON.stringify({ kind: "maybe", rationale: "" }));
    expect(badFields.status).toBe(400);
    const fields = ((await badFields.json()) as { error: { fields: Record<string, string[]> } }).error.fields;
    expect(Object.keys(fields).sort()).toEqual(["kind", "rationale", "version"]);

    // A version past the database's integer range is a named field error, never a failed query.
    for (const version of [6061687001173541, 2 ** 31, -1, 1.5]) {
      const huge = await call(
        decide as Route,
        "POST",
        token,
        JSON.stringify({ kind: "rollback", rationale: "r", version }),
      );
      expect(huge.status).toBe(400);
      expect(
        Object.keys(((await huge.json()) as { error: { fields: Record<string, string[]> } }).error.fields),
      ).toEqual(["version"]);
    }

    const stale = await call(
      decide as Route,
      "POST",
      token,
      JSON.stringify({ kind: "no_go", rationale: "old", version: 1 }),
    );
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("conflict:stale_version");

    const refused = await call(
      decide as Route,
      "POST",
      token,
      JSON.stringify({ kind: "go", rationale: "CI green", version: 2 }),
    );
    expect(refused.status).toBe(409);
    const refusal = (await refused.json()) as { error: { code: string; message: string; fields: { gate: string[] } } };
    expect(refusal.error.code).toBe("conflict:state");
    expect(refusal.error.fields.gate.length).toBeGreaterThan(0);

    const noScope = await call(
      decide as Route,
      "POST",
      readOnly,
      JSON.stringify({ kind: "no_go", rationale: "x", version: 2 }),
    );
    expect(noScope.status).toBe(403);

    const ok = await call(
      decide as Route,
      "POST",
      token,
      JSON.stringify({ kind: "no_go", rationale: "Smoke tests failed in run 77", version: 2 }),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toBe("pipeline-run-77");
    expect(await ok.json()).toMatchObject({
      kind: "no_go",
      status: "in_progress",
      version: 3,
      activePhase: "Canary 5%",
      trafficPercent: 5,
    });
  });
});
