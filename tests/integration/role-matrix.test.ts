import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setProcessDatabase } from "@/db/client";
import { ROUTE_CALLS } from "../support/matrix-routes";
import { QUERY_ACTIONS } from "../support/matrix-queries";
import { SERVICE_ACTIONS } from "../support/matrix-services";
import { type Expectation, parseMatrix, refusalStatuses } from "../support/matrix-table";
import {
  actorOf,
  API_CALLERS,
  auditCount,
  buildWorld,
  ctxOf,
  outcomeOf,
  personOf,
  SERVICE_CALLERS,
  type World,
} from "../support/matrix-world";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Who may do what: every use-case of lib/services, every read of lib/queries that checks its
// caller, and every /api/v1 route, called by a person in each project role, a global admin, a
// person of another project, a token per scope, a token of another project (every scope) and, for
// the API, a revoked token and no token at all.
//
// The tables below are written by hand from the product's rules — README "Access", "API for
// pipelines", "The rollout workflow" and "Around the rollout" — and where the README is silent
// from the rule lib/auth/permissions.ts states, read as a description of the product; they are
// never computed from that file. Roles:
//   viewer           read-only (executives)
//   engineer         ticks checklists, pushes metrics, works incidents (and reads flags)
//   approver         approves gates, signs checklists off
//   release_manager  plans, phases, lifecycle, decisions (and overrides), checklist editing and
//                    sign-off, comms, risks and escalation, migration, flags, metric sources,
//                    tokens and webhooks
//   admin            everything, people, projects and memberships included — but an approval or
//                    a sign-off is given *in a role* (README: "approvals ... (n of m, by role)",
//                    "sign-offs need ... a required role"), so an admin without one gives neither
//   other_member     holds every role, in another project: nothing here
// Tokens act in their own project only, by scope (permissions.ts scopeDescriptions): plans:read
// reads, plans:write imports and creates plans (and nothing more), decisions:write records
// go / no-go / rollback (never an override), checklists:write ticks items, metrics:write pushes
// samples, flags:evaluate evaluates flags over OFREP. Everything else is for people.
//
// A cell that fails because the product disagrees with its table is a product bug to fix in the
// product, not here.

// prettier-ignore
const SERVICES = `
  action                           | viewer engineer approver release_manager admin other_member | plans:read plans:write decisions:write checklists:write metrics:write flags:evaluate other_project

  # Plans and phases: release managers. plans:write imports and creates plans; editing is not in its scope.
  createPlan                       | 403    403      403      ok              ok    no           | 403        ok          403             403              403           403            no
  importPlan                       | 403    403      403      ok              ok    no           | 403        ok          403             403              403           403            no
  updatePlan                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addPhase                         | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updatePhase                      | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  setPhaseAutoAdvance              | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removePhase                      | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  movePhase                        | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # The lifecycle: release managers; no token scope covers it.
  transitionPlan schedule          | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionPlan unschedule        | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionPlan start             | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionPlan pause             | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionPlan resume            | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionPlan cancel            | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Decisions: release managers and decisions:write; an override only by a release manager. Approvals: approvers.
  recordDecision go                | 403    403      403      ok              ok    no           | 403        403         ok              403              403           403            no
  recordDecision no_go             | 403    403      403      ok              ok    no           | 403        403         ok              403              403           403            no
  recordDecision rollback          | 403    403      403      ok              ok    no           | 403        403         ok              403              403           403            no
  recordDecision go+override       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  approveGate                      | 403    403      ok       403             403   no           | 403        403         403             403              403           403            no

  # KPIs, success criteria and rollback triggers are part of the plan: release managers.
  addMetric                        | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateMetric                     | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeMetric                     | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  moveMetric                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addCriterion                     | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateCriterion                  | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeCriterion                  | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addTrigger                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateTrigger                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeTrigger                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  setTriggerEnabled                | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Checklists: engineers and release managers tick (and checklists:write); release managers add, edit, reorder;
  # the list under test needs sign-offs from approver and release_manager.
  updateChecklistItem              | 403    ok       403      ok              ok    no           | 403        403         403             ok               403           403            no
  updateChecklistItemByKey         | 403    ok       403      ok              ok    no           | 403        403         403             ok               403           403            no
  addChecklistItem                 | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  editChecklistItem                | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  moveChecklistItem                | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  signChecklist                    | 403    403      ok       ok              403   no           | 403        403         403             403              403           403            no

  # Communication plan, risk register, escalation matrix, migration plan: release managers.
  addCommsEntry                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateCommsEntry                 | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeCommsEntry                 | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  moveCommsEntry                   | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addRisk                          | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateRisk                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  setRiskStatus                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeRisk                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addEscalationLevel               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateEscalationLevel            | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeEscalationLevel            | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  addMigrationStep                 | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateMigrationStep              | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeMigrationStep              | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  moveMigrationStep                | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  transitionMigrationStep start    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Incidents: engineers and release managers.
  markVerified                     | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no
  resolveIncident                  | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no
  reopenIncident                   | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no
  updatePostmortem                 | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no
  editIncidentSummary              | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no
  correctDetectionTime             | 403    ok       403      ok              ok    no           | 403        403         403             403              403           403            no

  # KPI samples: engineers, release managers, metrics:write.
  ingestSamples                    | 403    ok       403      ok              ok    no           | 403        403         403             403              ok            403            no

  # Prometheus metric sources: release managers change them; every member of the project sees them.
  createMetricSource               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateMetricSource               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  deleteMetricSource               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Feature flags, segments, the kill switch: release managers (engineers only read flags; flags:evaluate only evaluates).
  createFlag                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateFlag                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  setFlagEnabled off               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  deleteFlag                       | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  setFlagRules                     | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  createSegment                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateSegment                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  deleteSegment                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Outgoing webhooks (with their secrets) and API tokens: release managers.
  createWebhook                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  updateWebhook                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  deleteWebhook                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  rotateWebhookSecret              | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  sendTestEvent                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  retryDelivery                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  saveDigestSchedule               | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  saveDigestSchedule portfolio     | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  createApiToken                   | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  revokeApiToken                   | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Administration: admins only.
  createUser                       | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  setUserPassword                  | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  setUserFlags                     | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  createProject                    | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  addMembership                    | 403    403      403      403             ok    no           | 403        403         403             403              403           403            no
  removeMembership                 | 403    403      403      403             ok    no           | 403        403         403             403              403           403            no

  # Change freezes: a project's by its release managers, the instance's by admins. The four-eyes rule: release managers.
  createFreeze project             | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  createFreeze instance            | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  removeFreeze project             | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  removeFreeze instance            | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  setProjectGovernance             | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no

  # Your account: every person for themselves, admins for anyone; tokens have no account.
  endUserSessions self             | ok     ok       ok       ok              ok    ok           | 403        403         403             403              403           403            403
  endUserSessions other            | 403    403      403      403             ok    403          | 403        403         403             403              403           403            403
  changeOwnPassword                | ok     ok       ok       ok              ok    ok           | 403        403         403             403              403           403            403
`;

// Reads of lib/queries that decide who may see them (settings pages show what they answer): the
// same callers, the same rules. Refused reads are refused before anything is read.
// prettier-ignore
const READS = `
  read                             | viewer engineer approver release_manager admin other_member | plans:read plans:write decisions:write checklists:write metrics:write flags:evaluate other_project

  # Prometheus metric sources: every member of the project sees them; tokens read plans, not settings.
  listMetricSources                | ok     ok       ok       ok              ok    no           | 403        403         403             403              403           403            no

  # Outgoing webhooks (with their secrets) and API tokens: release managers.
  listWebhooks                     | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
  listApiTokens                    | 403    403      403      ok              ok    no           | 403        403         403             403              403           403            no
`;

// prettier-ignore
const ROUTES = `
  route                                              | plans:read plans:write decisions:write checklists:write metrics:write flags:evaluate other_project revoked none

  # Reads: plans:read, in the token's project; another project's plan is "not found" (OpenAPI: 404 "No such plan ... in the token's project").
  GET /api/v1/plans                                  | ok         403         403             403              403           403            ok            401     401
  GET /api/v1/plans/{planId}                         | ok         403         403             403              403           403            404           401     401
  GET /api/v1/plans/{planId}/status                  | ok         403         403             403              403           403            404           401     401
  GET /api/v1/plans/{planId}/export                  | ok         403         403             403              403           403            404           401     401

  # Writes, each by its one scope.
  POST /api/v1/plans/{planId}/decisions              | 403        403         ok              403              403           403            404           401     401
  PATCH /api/v1/checklists/{checklistId}/items/{key} | 403        403         403             ok               403           403            404           401     401
  POST /api/v1/metrics                               | 403        403         403             403              ok            403            404           401     401
  POST /api/v1/plans/import?save=1                   | 403        ok          403             403              403           403            404           401     401

  # The API's description is public.
  GET /api/v1/openapi.json                           | ok         ok          ok              ok               ok            ok             ok            ok      ok

  # OFREP (the handler behind /ofrep/v1 in the app and the edge): flags:evaluate, the token's own project's flags only.
  POST /ofrep/v1/evaluate/flags/{key}                | 403        403         403             403              403           ok             404           401     401
  POST /ofrep/v1/evaluate/flags                      | 403        403         403             403              403           ok             ok            401     401
`;

const SERVICE_ROWS = parseMatrix(SERVICES, SERVICE_CALLERS);
const READ_ROWS = parseMatrix(READS, SERVICE_CALLERS);
const ROUTE_ROWS = parseMatrix(ROUTES, API_CALLERS);

// Exported functions of lib/services that take a ServiceContext but are not rows of the table:
const LEFT_OUT: Record<string, string> = {
  editPlan:
    "the one path of every plan edit (it authorises plan:edit itself); exercised by every plan, phase and KPI row",
  changePlanning:
    "the one path of risk, escalation and migration changes (it authorises itself); exercised by their rows",
  createPlanFromDraft: "internal: writes a plan its callers (createPlan, importPlan) have authorised",
  signFreezeOverride:
    "needs a running plan under a change freeze, which would hold every other row's go in this world; its callers (release managers of the project as such, admins as the admin, never one person twice, never a token) are tested in governance.test.ts",
  storeSampleBatch: "internal: stores samples its callers (ingestSamples; pollSource as the system) have authorised",
};
// Not taking a ServiceContext, so not callable by a person or a token at all, hence not here either:
// the system's background jobs (sweepTriggers, evaluatePlanTriggers, sweepAutoAdvance, autoAdvancePlan,
// pollDueSources, pollSource, collectWebhookEvents, deliverDueWebhooks, runWebhooks), the rollups,
// the settings and the first-run setup (createFirstAdmin, guarded by the one-time setup token).

describe("the role matrix itself", () => {
  test("every row has its call and every call has its row", () => {
    expect(SERVICE_ROWS.map((r) => r.id).sort()).toEqual(SERVICE_ACTIONS.map((a) => a.id).sort());
    expect(READ_ROWS.map((r) => r.id).sort()).toEqual(QUERY_ACTIONS.map((a) => a.id).sort());
    expect(ROUTE_ROWS.map((r) => r.id).sort()).toEqual(ROUTE_CALLS.map((r) => r.id).sort());
  });

  test("every exported use-case of lib/services taking a ServiceContext is in the table or left out with a reason", () => {
    const dir = path.join(process.cwd(), "lib/services");
    const found = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      for (const m of source.matchAll(
        /export\s+(?:async\s+)?function\s+(\w+)\s*(?:<[^(]*>)?\s*\(\s*\w+\s*:\s*ServiceContext\b/g,
      ))
        found.add(m[1]!);
    }
    const covered = new Set(SERVICE_ROWS.map((r) => r.id.split(" ")[0]!));
    expect(
      [...found].filter((fn) => !covered.has(fn) && !(fn in LEFT_OUT)).sort(),
      "use-cases missing from the table",
    ).toEqual([]);
    expect(
      [...covered, ...Object.keys(LEFT_OUT)].filter((fn) => !found.has(fn)).sort(),
      "rows naming no exported use-case",
    ).toEqual([]);
  });

  test("every exported read of lib/queries taking a caller of any kind is in the reads table", () => {
    const dir = path.join(process.cwd(), "lib/queries");
    const found: string[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+(\w+)\s*\([^)]*?\w+\s*:\s*Actor\b/g))
        found.push(m[1]!);
    }
    expect(found.sort()).toEqual(READ_ROWS.map((r) => r.id).sort());
  });

  test("every /api/v1 route handler is in the table", () => {
    const root = path.join(process.cwd(), "app/api/v1");
    const handlers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === "route.ts") {
          const route = `/api/v1/${path.relative(root, dir).split(path.sep).join("/")}`
            .replace(/\/$/, "")
            .replace(/\[(\w+)\]/g, "{$1}");
          for (const m of fs
            .readFileSync(full, "utf8")
            .matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g))
            handlers.push(`${m[1]} ${route}`);
        }
      }
    };
    walk(root);
    const rows = ROUTE_ROWS.map((r) => r.id.replace(/\?.*$/, "")).filter((id) => id.includes(" /api/v1/"));
    expect(handlers.sort()).toEqual(rows.sort());
  });
});

describe.each(backends)("role matrix on %s", (kind) => {
  let t: TestDatabase;
  let world: World;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    world = await buildWorld(t.handle.db);
  });
  afterAll(async () => t?.drop());

  /** What a refused call must leave: the audit trail's length and the entity. */
  const state = async (observe: () => Promise<unknown>) => {
    const [auditEvents, entity] = await Promise.all([auditCount(world.db), observe()]);
    return { auditEvents, entity };
  };
  /** An allowed change is audited, and shows in what a refusal must leave alone (so that check can fail). */
  const expectChanged = async (
    label: string,
    before: Awaited<ReturnType<typeof state>>,
    observe: () => Promise<unknown>,
  ) => {
    const after = await state(observe);
    expect(after.auditEvents, `${label} is audited`).toBeGreaterThan(before.auditEvents);
    expect(after.entity, `${label} changed what the refusals are checked against`).not.toEqual(before.entity);
  };

  describe.each([
    ...SERVICE_ROWS.map((row) => ({ ...row, layer: "service", actions: SERVICE_ACTIONS })),
    ...READ_ROWS.map((row) => ({ ...row, layer: "query", actions: QUERY_ACTIONS })),
  ])("$layer $id", (row) => {
    const impl = row.actions.find((a) => a.id === row.id)!;
    // Refusals change nothing (each cell checks it), so they share one fixture; allowed changes get their own.
    let shared: Promise<unknown> | undefined;

    test.each(row.cells)(
      "$caller: $expected",
      async ({ caller, expected }: { caller: (typeof SERVICE_CALLERS)[number]; expected: Expectation }) => {
        const fresh = impl.perCaller || (expected === "ok" && !impl.read);
        const fixture = fresh
          ? await impl.prepare(world, personOf(world, caller))
          : await (shared ??= impl.prepare(world, null));
        const label = `${row.id} by ${caller}`;
        const before = await state(() => impl.observe(world, fixture));
        const outcome = await outcomeOf(() => impl.call(ctxOf(world, actorOf(world, caller)), fixture, world));
        if (expected === "ok") {
          expect(outcome, `${label} must be allowed; it got ${JSON.stringify(outcome)}`).toEqual({ ok: true });
          if (!impl.read) await expectChanged(label, before, () => impl.observe(world, fixture));
          return;
        }
        expect(
          refusalStatuses(expected),
          `${label} must be refused with ${expected}; it got ${JSON.stringify(outcome)}`,
        ).toContain(outcome.ok ? "allowed" : outcome.status);
        expect(
          await state(() => impl.observe(world, fixture)),
          `${label} was refused: no audit event, nothing changed`,
        ).toEqual(before);
      },
    );
  });

  describe.each(ROUTE_ROWS)("$id", (row) => {
    const impl = ROUTE_CALLS.find((r) => r.id === row.id)!;
    let shared: Promise<unknown> | undefined;

    test.each(row.cells)(
      "$caller: $expected",
      async ({ caller, expected }: { caller: (typeof API_CALLERS)[number]; expected: Expectation }) => {
        const fixture =
          expected === "ok" && !impl.read ? await impl.prepare(world) : await (shared ??= impl.prepare(world));
        const label = `${row.id} with ${caller === "none" ? "no token" : `the ${caller} token`}`;
        const before = await state(() => impl.observe(world, fixture));
        const response = await impl.send(world, fixture, world.apiTokens[caller]);
        const text = await response.text();
        if (expected === "ok") {
          expect(response.status, `${label} must be answered; it got ${response.status} ${text.slice(0, 300)}`).toBe(
            200,
          );
          if (impl.verify) impl.verify(world, fixture, caller, JSON.parse(text) as unknown);
          if (!impl.read) await expectChanged(label, before, () => impl.observe(world, fixture));
          return;
        }
        expect(
          refusalStatuses(expected),
          `${label} must be refused with ${expected}; it got ${response.status} ${text.slice(0, 300)}`,
        ).toContain(response.status);
        expect(
          await state(() => impl.observe(world, fixture)),
          `${label} was refused: no audit event, nothing changed`,
        ).toEqual(before);
      },
    );
  });
});
