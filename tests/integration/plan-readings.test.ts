import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { UserActor } from "@/lib/auth/actor";
import { loadPlanView } from "@/lib/queries/plan";
import {
  checklistReadingsOf,
  loadChecklistReading,
  loadOverviewReading,
  loadTimelineReading,
  overviewReadingOf,
  timelineReadingOf,
} from "@/lib/queries/plan-readings";
import { updateChecklistItem } from "@/lib/services/checklists";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The parts of a plan page an open page re-reads by itself (a checklist, the overview, the
// timeline): each read alone says what the whole page's render says, and follows a change.

describe.each(backends)("a plan page's parts, read alone, on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor;
  let planId: string;
  const ctx = () => ({ db: t.handle.db, actor: rm, requestId: null });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(t.handle.db)).id;
    rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager", "engineer"] });
    ({ planId } = await createPlan(ctx(), { projectId, template: "staged", name: "Parts", releaseVersion: "1.0.0" }));
    await transitionPlan(ctx(), { planId, version: 1, action: "start" });
  }, 120_000);
  afterAll(async () => t?.drop());

  test("each part read alone equals the same part of the whole page", async () => {
    const at = new Date();
    const view = (await loadPlanView(t.handle.db, planId, at))!;
    expect(await loadOverviewReading(t.handle.db, planId, at)).toEqual(overviewReadingOf(view, at));
    expect(await loadTimelineReading(t.handle.db, planId, at)).toEqual(
      timelineReadingOf(view.plan, view.phaseHealth, at),
    );
    for (const list of checklistReadingsOf(view.plan, at))
      expect(await loadChecklistReading(t.handle.db, planId, list.id, at)).toEqual(list);
  });

  test("a tick moves its checklist and the gate's progress and blockers, and the readings are plain JSON", async () => {
    const before = (await loadOverviewReading(t.handle.db, planId))!;
    const gateList = before.gate.lists[0]!;
    const list = (await loadChecklistReading(t.handle.db, planId, gateList.id))!;
    const item = list.items.find((i) => i.required && i.state === "open")!;
    await updateChecklistItem(ctx(), { itemId: item.id, state: "done" });

    const after = (await loadChecklistReading(t.handle.db, planId, list.id))!;
    expect(after.items.find((i) => i.id === item.id)!.state).toBe("done");
    expect(after.items.find((i) => i.id === item.id)!.updatedAt).toEqual(expect.any(Number));
    expect(after.progress.done).toBe(list.progress.done + 1);
    expect(after.readAt).toBeGreaterThanOrEqual(list.readAt);

    const overview = (await loadOverviewReading(t.handle.db, planId))!;
    expect(overview.gate.lists[0]!.settled).toBe(gateList.settled + 1);
    expect(overview.outstanding).toBe(before.outstanding - 1);
    for (const reading of [after, overview, await loadTimelineReading(t.handle.db, planId)])
      expect(JSON.parse(JSON.stringify(reading))).toEqual(reading);
  });

  test("the overview names the phase in focus, its gate and what blocks it in words", async () => {
    const overview = (await loadOverviewReading(t.handle.db, planId))!;
    expect(overview.phase).toMatchObject({ status: "active", finished: false });
    expect(overview.gate.nextPhase).toEqual(expect.any(String));
    expect(overview.gate.blockers.length).toBeGreaterThan(0);
    expect(overview.gate.blockers.every((b) => typeof b === "string" && b.length > 0)).toBe(true);
  });

  test("another plan's checklist, no such plan or an id that is not one reads as nothing", async () => {
    const { planId: other } = await createPlan(ctx(), {
      projectId,
      template: "staged",
      name: "Other",
      releaseVersion: "1.0.0",
    });
    const theirs = checklistReadingsOf((await loadPlanView(t.handle.db, other))!.plan, new Date())[0]!;
    expect(await loadChecklistReading(t.handle.db, planId, theirs.id)).toBeNull();
    expect(await loadChecklistReading(t.handle.db, planId, "not-an-id")).toBeNull();
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await loadOverviewReading(t.handle.db, missing)).toBeNull();
    expect(await loadTimelineReading(t.handle.db, missing)).toBeNull();
    expect(await loadOverviewReading(t.handle.db, "x")).toBeNull();
  });
});
