import { asc, eq } from "drizzle-orm";
import { PATCH as patchChecklistItem } from "@/app/api/v1/checklists/[checklistId]/items/[key]/route";
import { POST as postMetrics } from "@/app/api/v1/metrics/route";
import { GET as getOpenApi } from "@/app/api/v1/openapi.json/route";
import { GET as getPlan } from "@/app/api/v1/plans/[planId]/route";
import { POST as postDecision } from "@/app/api/v1/plans/[planId]/decisions/route";
import { GET as getExport } from "@/app/api/v1/plans/[planId]/export/route";
import { GET as getStatus } from "@/app/api/v1/plans/[planId]/status/route";
import { POST as postImport } from "@/app/api/v1/plans/import/route";
import { GET as listPlans } from "@/app/api/v1/plans/route";
import { checklistItems, decisions, flags, metrics, plans, samples, signOffs } from "@/db/schema";
import { FlagStore } from "@/lib/flags/store";
import { TokenVerifier } from "@/lib/flags/token-verifier";
import { handleOfrep, type OfrepDeps } from "@/lib/ofrep/handler";
import {
  advance,
  type ApiCaller,
  blankPlan,
  checklist,
  flag,
  kpis,
  type PlanFixture,
  unique,
  type World,
} from "./matrix-world";

// Every /api/v1 route handler (and the OFREP handler behind /ofrep/v1), called as Next.js calls
// it: a Request and the route's params. What each call needs is built fresh; what a refused call
// must leave as it was is observed. Expectations are the hand-written table in role-matrix.test.ts.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteCall<F = unknown> {
  /** The row in the table: method and path as the README names them. */
  id: string;
  prepare(world: World): Promise<F>;
  send(world: World, fixture: F, token: string | null): Promise<Response>;
  observe(world: World, fixture: F): Promise<unknown>;
  /** Reads: when allowed, they write no audit event. */
  read?: boolean;
  /** When allowed: checks the answer shows this project's things to its tokens and nothing of it to others. */
  verify?(world: World, fixture: F, caller: ApiCaller, body: unknown): void;
}

const route = <F>(r: RouteCall<F>) => r as RouteCall<unknown>;

function request(method: string, path: string, token: string | null, body?: { type: string; text: string }): Request {
  const headers: Record<string, string> = { "x-request-id": "role-matrix" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers["content-type"] = body.type;
  return new Request(`http://phasegate.test${path}`, { method, headers, ...(body ? { body: body.text } : {}) });
}

const call = (handler: unknown, req: Request, params: Record<string, string> = {}) =>
  (handler as Handler)(req, { params: Promise.resolve(params) });
const json = (value: unknown) => ({ type: "application/json", text: JSON.stringify(value) });

const planRow = (w: World, planId: string) => w.db.select().from(plans).where(eq(plans.id, planId));
const planAndDecisions = async (w: World, p: PlanFixture) => ({
  plan: await planRow(w, p.planId),
  decisions: await w.db.select().from(decisions).where(eq(decisions.planId, p.planId)).orderBy(asc(decisions.id)),
});

/** A flag evaluator as an app process or an edge holds one, fresh for each call (it caches flags and tokens, and follows no changes here). */
const evaluator = (w: World): OfrepDeps => ({ flags: new FlagStore(w.db), tokens: new TokenVerifier(w.db) });
async function ofrepCall(w: World, path: string, token: string | null): Promise<Response> {
  const headers = new Headers({ "content-type": "application/json" });
  if (token) headers.set("authorization", `Bearer ${token}`);
  const answer = await handleOfrep(evaluator(w), {
    method: "POST",
    path,
    headers,
    body: JSON.stringify({ context: { targetingKey: "user-1" } }),
  });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

const importDocument = `# Imported through the API\n\n**Version:** 4.0.0\n\n## Stage 1: Canary\n\n### Audience\n5% of traffic\n\n## Stage 2: GA\n\n### Audience\nAll users\n`;

export const ROUTE_CALLS: RouteCall[] = [
  route({
    id: "GET /api/v1/plans",
    read: true,
    prepare: (w) => blankPlan(w),
    send: (_w, _p, token) => call(listPlans, request("GET", "/api/v1/plans", token)),
    observe: (w, p) => planRow(w, p.planId),
    verify: (w, p, caller, body) => {
      const ids = ((body as { plans: { id: string }[] }).plans ?? []).map((x) => x.id);
      const own = caller !== "other_project";
      if (own !== ids.includes(p.planId))
        throw new Error(
          `${caller}: the list ${own ? "lacks" : "shows"} a plan of the token's ${own ? "own" : "other"} project`,
        );
      if (own === ids.includes(w.otherPlanId))
        throw new Error(
          `${caller}: the list ${own ? "shows a plan of another project" : "lacks its own project's plan"}`,
        );
    },
  }),
  route({
    id: "GET /api/v1/plans/{planId}",
    read: true,
    prepare: (w) => blankPlan(w),
    send: (_w, p, token) => call(getPlan, request("GET", `/api/v1/plans/${p.planId}`, token), { planId: p.planId }),
    observe: (w, p) => planRow(w, p.planId),
  }),
  route({
    id: "GET /api/v1/plans/{planId}/status",
    read: true,
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    send: (_w, p, token) =>
      call(getStatus, request("GET", `/api/v1/plans/${p.planId}/status`, token), { planId: p.planId }),
    observe: (w, p) => planRow(w, p.planId),
  }),
  route({
    id: "GET /api/v1/plans/{planId}/export",
    read: true,
    prepare: (w) => blankPlan(w),
    send: (_w, p, token) =>
      call(getExport, request("GET", `/api/v1/plans/${p.planId}/export?format=json`, token), { planId: p.planId }),
    observe: (w, p) => planRow(w, p.planId),
  }),
  route({
    id: "POST /api/v1/plans/{planId}/decisions",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    send: (_w, p, token) =>
      call(
        postDecision,
        request(
          "POST",
          `/api/v1/plans/${p.planId}/decisions`,
          token,
          json({ kind: "no_go", rationale: "Smoke tests failed", version: p.version }),
        ),
        { planId: p.planId },
      ),
    observe: planAndDecisions,
  }),
  route({
    id: "PATCH /api/v1/checklists/{checklistId}/items/{key}",
    prepare: async (w) => checklist(w, await blankPlan(w)),
    send: (_w, c, token) =>
      call(
        patchChecklistItem,
        request(
          "PATCH",
          `/api/v1/checklists/${c.checklistId}/items/alpha`,
          token,
          json({ state: "done", evidenceUrl: "https://ci.example.test/run/7" }),
        ),
        { checklistId: c.checklistId, key: "alpha" },
      ),
    observe: async (w, c) => ({
      items: await w.db
        .select()
        .from(checklistItems)
        .where(eq(checklistItems.checklistId, c.checklistId))
        .orderBy(asc(checklistItems.id)),
      signOffs: await w.db.select().from(signOffs).where(eq(signOffs.checklistId, c.checklistId)),
    }),
  }),
  route({
    id: "POST /api/v1/metrics",
    prepare: async (w) => {
      const p = await blankPlan(w);
      await kpis(w, p);
      return p;
    },
    send: (_w, p, token) =>
      call(
        postMetrics,
        request(
          "POST",
          "/api/v1/metrics",
          token,
          json({
            plan: p.planId,
            samples: [
              { metric: "error_rate", ts: new Date(Date.now() - 60_000).toISOString(), value: 0.3, cohort: "canary" },
            ],
          }),
        ),
      ),
    observe: (w, p) =>
      w.db
        .select({ s: samples })
        .from(samples)
        .innerJoin(metrics, eq(metrics.id, samples.metricId))
        .where(eq(metrics.planId, p.planId)),
  }),
  route({
    id: "POST /api/v1/plans/import?save=1",
    prepare: async () => ({ name: unique("Imported through the API") }),
    send: (w, f, token) =>
      call(
        postImport,
        request(
          "POST",
          `/api/v1/plans/import?save=1&project=${w.projectId}&name=${encodeURIComponent(f.name)}`,
          token,
          { type: "text/markdown", text: importDocument },
        ),
      ),
    observe: (w, f) => w.db.select().from(plans).where(eq(plans.name, f.name)),
  }),
  route({
    id: "GET /api/v1/openapi.json",
    read: true,
    prepare: async () => null,
    send: () => (getOpenApi as () => Response | Promise<Response>)() as Promise<Response>,
    observe: async () => null,
  }),
  route({
    id: "POST /ofrep/v1/evaluate/flags/{key}",
    read: true,
    prepare: (w) => flag(w),
    send: (w, f, token) => ofrepCall(w, `/ofrep/v1/evaluate/flags/${encodeURIComponent(f.key)}`, token),
    observe: (w, f) => w.db.select().from(flags).where(eq(flags.id, f.id)),
  }),
  route({
    id: "POST /ofrep/v1/evaluate/flags",
    read: true,
    prepare: (w) => flag(w),
    send: (w, _f, token) => ofrepCall(w, "/ofrep/v1/evaluate/flags", token),
    observe: (w, f) => w.db.select().from(flags).where(eq(flags.id, f.id)),
    verify: (_w, f, caller, body) => {
      const keys = ((body as { flags: { key: string }[] }).flags ?? []).map((x) => x.key);
      const own = caller !== "other_project";
      if (own !== keys.includes(f.key))
        throw new Error(
          `${caller}: the evaluation ${own ? "lacks the token's own" : "shows another project's"} flag ${f.key}`,
        );
    },
  }),
];
