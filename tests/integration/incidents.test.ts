import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, incidents } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { notesFingerprint } from "@/lib/domain/incident-notes";
import { AppError } from "@/lib/errors";
import { incidentActivity } from "@/lib/queries/incidents";
import { loadPlanView } from "@/lib/queries/plan";
import type { ServiceContext } from "@/lib/services/context";
import { recordDecision, transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? e : Promise.reject(e)),
  );

describe.each(backends)("incidents on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor, engineer: UserActor, engineer2: UserActor, viewer: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({
    db: t.handle.db,
    actor,
    requestId: "req-incidents",
  });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const fixture = await planWithTokens(t.handle.db, "canary", "Incident fixture", {});
    projectId = fixture.projectId;
    rm = fixture.rm;
    engineer = await makeUser(t.handle.db, { projectId, roles: ["engineer"] });
    engineer2 = await makeUser(t.handle.db, { projectId, roles: ["engineer"] });
    viewer = await makeUser(t.handle.db, { projectId, roles: ["viewer"] });
  });
  afterAll(async () => t?.drop());

  /** A running plan rolled back by hand: returns its plan and the incident the rollback opened. */
  async function rolledBack(name: string) {
    const { planId } = await createPlan(ctx(rm), { projectId, template: "canary", name, releaseVersion: "1.0.0" });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    const decision = await recordDecision(ctx(rm), {
      planId,
      version: 2,
      kind: "rollback",
      rationale: "Checkout errors after the canary went out",
    });
    return { planId, incidentId: decision.incidentId! };
  }
  const load = async (id: string) => (await t.handle.db.select().from(incidents).where(eq(incidents.id, id)))[0]!;
  const trail = (id: string) =>
    t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, "incident"), eq(auditEvents.entityId, id)))
      .orderBy(auditEvents.id);

  test("a manual rollback opens an incident detected, decided and executed at once, by its decider", async () => {
    const { incidentId } = await rolledBack("Manual A");
    const incident = await load(incidentId);
    expect(incident).toMatchObject({
      origin: "manual",
      status: "open",
      summary: "Checkout errors after the canary went out",
      postmortem: "",
    });
    expect(incident.decidedAt).toEqual(incident.detectedAt);
    expect(incident.executedAt).toEqual(incident.decidedAt);
    expect(incident.verifiedAt).toBeNull();
  });

  test("mark verified, then resolve, then reopen: each audited with who did it", async () => {
    const { planId, incidentId } = await rolledBack("Manual B");
    expect((await failure(resolveIncident(ctx(engineer), { incidentId })))?.message).toBe(
      "Mark the rollback verified before resolving the incident",
    );

    const verified = await markVerified(ctx(engineer), { incidentId });
    expect(verified.status).toBe("mitigated");
    const row = await load(incidentId);
    expect(row.verifiedAt!.getTime()).toBeGreaterThanOrEqual(row.executedAt!.getTime());
    expect((await failure(markVerified(ctx(engineer), { incidentId })))?.code).toBe("conflict:state");

    expect(await resolveIncident(ctx(rm), { incidentId })).toEqual({ incidentId, status: "resolved" });
    expect((await failure(resolveIncident(ctx(rm), { incidentId })))?.message).toBe("The incident is already resolved");
    expect((await failure(reopenIncident(ctx(rm), { incidentId, reason: "" })))?.fieldErrors).toEqual({
      reason: ["Say why the incident is reopened"],
    });
    expect(await reopenIncident(ctx(rm), { incidentId, reason: "Errors came back an hour later" })).toEqual({
      incidentId,
      status: "mitigated",
    });
    expect((await load(incidentId)).verifiedAt).toEqual(row.verifiedAt);

    const events = await trail(incidentId);
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([
      ["incident.opened", rm.name],
      ["incident.verified", engineer.name],
      ["incident.resolved", rm.name],
      ["incident.reopened", rm.name],
    ]);
    expect(events.every((e) => e.planId === planId && e.projectId === projectId && e.requestId !== null)).toBe(true);

    const activity = await incidentActivity(t.handle.db, planId, [incidentId]);
    expect(activity[incidentId]).toMatchObject({
      verified: { by: engineer.name },
      resolved: { by: rm.name },
      reopened: { by: rm.name },
    });
  });

  test("verification at a given time: not in the future, not before execution, said in words", async () => {
    const { incidentId } = await rolledBack("Manual C");
    const executedAt = (await load(incidentId)).executedAt!;
    const early = await failure(
      markVerified(ctx(engineer), { incidentId, verifiedAt: new Date(executedAt.getTime() - 60_000).toISOString() }),
    );
    expect(early?.code).toBe("bad_request:validation");
    expect(early?.fieldErrors?.verifiedAt?.[0]).toMatch(/^Cannot be before the rollback was executed \(.+ UTC\)$/);
    const future = await failure(
      markVerified(ctx(engineer), { incidentId, verifiedAt: new Date(Date.now() + 3600_000).toISOString() }),
    );
    expect(future?.fieldErrors?.verifiedAt?.[0]).toMatch(/^Cannot be in the future/);
    const garbled = await failure(markVerified(ctx(engineer), { incidentId, verifiedAt: "yesterday-ish" }));
    expect(garbled?.fieldErrors).toEqual({ verifiedAt: ["Enter the verification time as a date and time (UTC)"] });
    expect((await load(incidentId)).status).toBe("open");

    // A form's time without a zone is UTC, as the page shows times.
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await t.handle.db
      .update(incidents)
      .set({ detectedAt: tenMinutesAgo, decidedAt: tenMinutesAgo, executedAt: tenMinutesAgo })
      .where(eq(incidents.id, incidentId));
    const fiveMinutesAgo = new Date(Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000);
    await markVerified(ctx(engineer), { incidentId, verifiedAt: fiveMinutesAgo.toISOString().slice(0, 16) });
    expect((await load(incidentId)).verifiedAt).toEqual(fiveMinutesAgo);
  });

  test("detection time of a manual rollback can be moved earlier, never after the decision", async () => {
    const { incidentId } = await rolledBack("Manual D");
    const before = await load(incidentId);
    const tooLate = await failure(
      correctDetectionTime(ctx(engineer), {
        incidentId,
        detectedAt: new Date(before.decidedAt!.getTime() + 60_000).toISOString(),
      }),
    );
    expect(tooLate?.message).toMatch(/^Detection cannot come after the rollback was decided/);
    expect(tooLate?.fieldErrors?.detectedAt).toHaveLength(1);
    expect((await failure(correctDetectionTime(ctx(engineer), { incidentId, detectedAt: "" })))?.fieldErrors).toEqual({
      detectedAt: ["Enter when the problem was first noticed"],
    });
    const noticed = new Date(before.decidedAt!.getTime() - 4 * 60_000);
    await correctDetectionTime(ctx(engineer), { incidentId, detectedAt: noticed.toISOString() });
    expect((await load(incidentId)).detectedAt).toEqual(noticed);
    expect((await trail(incidentId)).at(-1)).toMatchObject({
      action: "incident.detection_corrected",
      after: { detectedAt: noticed.toISOString() },
    });
  });

  test("post-mortem edits are plain text, audited, and shown with who saved them last", async () => {
    const { planId, incidentId } = await rolledBack("Manual E");
    const text = "## Cause\r\nA cache key changed.\r\n\r\n<script>alert(1)</script>\r\n- [ ] add a canary check   \r\n";
    const saved = await updatePostmortem(ctx(engineer), {
      incidentId,
      postmortem: text,
      baseFingerprint: notesFingerprint(""),
    });
    expect(saved).toMatchObject({ changed: true });
    const stored = (await load(incidentId)).postmortem;
    expect(stored).toBe("## Cause\nA cache key changed.\n\n<script>alert(1)</script>\n- [ ] add a canary check");

    // The same text again (a retried save) changes nothing and is not audited twice.
    expect(
      await updatePostmortem(ctx(engineer), { incidentId, postmortem: text, baseFingerprint: notesFingerprint("") }),
    ).toMatchObject({ changed: false });
    const edits = (await trail(incidentId)).filter((e) => e.action === "incident.postmortem_updated");
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({
      actorLabel: engineer.name,
      before: { postmortem: "" },
      after: { postmortem: stored },
    });

    const view = await loadPlanView(t.handle.db, planId);
    expect(view!.incidentEdits[incidentId]?.postmortem?.by).toBe(engineer.name);

    // The summary follows the same rules.
    await editIncidentSummary(ctx(rm), {
      incidentId,
      summary: "Checkout errors at 5% after the canary",
      baseFingerprint: notesFingerprint("Checkout errors after the canary went out"),
    });
    expect((await load(incidentId)).summary).toBe("Checkout errors at 5% after the canary");
  });

  test("two people editing the post-mortem: the second is told, and nothing of theirs overwrites the first", async () => {
    const { incidentId } = await rolledBack("Manual F");
    const start = notesFingerprint("");
    await updatePostmortem(ctx(engineer), { incidentId, postmortem: "Timeline by Ana", baseFingerprint: start });
    const conflict = await failure(
      updatePostmortem(ctx(engineer2), { incidentId, postmortem: "Root cause by Ben", baseFingerprint: start }),
    );
    expect(conflict?.code).toBe("conflict:stale_version");
    expect(conflict?.message).toContain(
      `Someone else saved the post-mortem while you were editing (${engineer.name}, `,
    );
    expect(conflict?.fieldErrors).toEqual({ postmortem: ["Changed by someone else since you opened it"] });
    expect((await load(incidentId)).postmortem).toBe("Timeline by Ana");

    // Having reloaded, Ben merges and saves.
    await updatePostmortem(ctx(engineer2), {
      incidentId,
      postmortem: "Timeline by Ana\n\nRoot cause by Ben",
      baseFingerprint: notesFingerprint("Timeline by Ana"),
    });
    expect((await load(incidentId)).postmortem).toBe("Timeline by Ana\n\nRoot cause by Ben");
  });

  test("concurrent saves from the same starting text: exactly one wins", async () => {
    const { incidentId } = await rolledBack("Manual G");
    const start = notesFingerprint("");
    const results = await Promise.allSettled(
      [engineer, engineer2, rm].map((who, i) =>
        updatePostmortem(ctx(who), { incidentId, postmortem: `Draft ${i}`, baseFingerprint: start }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect((r.reason as AppError).code).toBe("conflict:stale_version");
    expect((await trail(incidentId)).filter((e) => e.action === "incident.postmortem_updated")).toHaveLength(1);
  });

  test("viewers and tokens cannot change incidents; another project's people neither", async () => {
    const { incidentId } = await rolledBack("Manual H");
    const fp = notesFingerprint("");
    // One at a time: a refusal must not be left unawaited while another is checked.
    for (const attempt of [
      () => markVerified(ctx(viewer), { incidentId }),
      () => updatePostmortem(ctx(viewer), { incidentId, postmortem: "x", baseFingerprint: fp }),
      () => editIncidentSummary(ctx(viewer), { incidentId, summary: "x", baseFingerprint: fp }),
      () => correctDetectionTime(ctx(viewer), { incidentId, detectedAt: new Date(0).toISOString() }),
    ]) {
      expect((await failure(attempt()))?.code).toBe("forbidden:permission");
    }
    const token = {
      kind: "token" as const,
      tokenId: "t",
      tokenName: "ci",
      projectId,
      scopes: ["decisions:write" as const],
    };
    expect((await failure(markVerified(ctx(token), { incidentId })))?.code).toBe("forbidden:permission");
    const other = await planWithTokens(t.handle.db, "blank", "Elsewhere", {});
    expect((await failure(markVerified(ctx(other.rm), { incidentId })))?.code).toBe("forbidden:permission");
    expect((await load(incidentId)).status).toBe("open");
    expect((await trail(incidentId)).map((e) => e.action)).toEqual(["incident.opened"]);
  });

  test("validation names every bad field", async () => {
    const { incidentId } = await rolledBack("Manual I");
    const tooLong = await failure(
      updatePostmortem(ctx(engineer), { incidentId, postmortem: "x".repeat(20_001), baseFingerprint: "nope" }),
    );
    expect(tooLong?.code).toBe("bad_request:validation");
    expect(tooLong?.fieldErrors).toEqual({
      postmortem: ["Use at most 20,000 characters"],
      baseFingerprint: ["The page is missing the text you started from; reload"],
    });
    const blank = await failure(
      editIncidentSummary(ctx(engineer), {
        incidentId: "not-a-uuid",
        summary: "  \r\n ",
        baseFingerprint: notesFingerprint(""),
      }),
    );
    expect(blank?.fieldErrors).toEqual({ incidentId: ["Unknown incident"], summary: ["Enter a summary"] });
    expect(
      (await failure(markVerified(ctx(engineer), { incidentId: "00000000-0000-4000-8000-000000000000" })))?.code,
    ).toBe("not_found:entity");
  });

  test("the database keeps the times ordered even for writers that skip the service", async () => {
    const { incidentId } = await rolledBack("Manual J");
    const row = await load(incidentId);
    await expect(
      t.handle.db
        .update(incidents)
        .set({ verifiedAt: new Date(row.executedAt!.getTime() - 1000) })
        .where(eq(incidents.id, incidentId)),
    ).rejects.toThrow();
  });
});
