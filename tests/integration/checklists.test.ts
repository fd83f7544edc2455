import { and, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PATCH as patchItem } from "@/app/api/v1/checklists/[checklistId]/items/[key]/route";
import { setProcessDatabase } from "@/db/client";
import { auditEvents, checklistItems, checklists, phases, signOffs } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { loadMyWork, workFingerprint } from "@/lib/queries/my-work";
import { addChecklistItem, editChecklistItem, moveChecklistItem } from "@/lib/services/checklist-items";
import { signChecklist, updateChecklistItem } from "@/lib/services/checklists";
import type { ServiceContext } from "@/lib/services/context";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { createApiToken } from "@/lib/services/tokens";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { makeProject, makeUser } from "../support/people";

type Route = (
  request: Request,
  context: { params: Promise<{ checklistId: string; key: string }> },
) => Promise<Response>;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected ${String(e)}`),
  );

describe.each(backends)("checklists and sign-offs on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let planId: string;
  let rm: UserActor, engineer: UserActor, approver: UserActor, viewer: UserActor;
  let token: string;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({
    db: t.handle.db,
    actor,
    requestId: "req-checklists",
  });
  const patch = (checklistId: string, key: string, body: unknown, auth = token) =>
    (patchItem as Route)(
      new Request(`http://test/api/v1/checklists/${checklistId}/items/${key}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({ checklistId, key }) },
    );

  async function list(title: string) {
    const [row] = await t.handle.db
      .select()
      .from(checklists)
      .where(and(eq(checklists.planId, planId), eq(checklists.title, title)));
    return row!;
  }
  const items = async (checklistId: string) =>
    t.handle.db
      .select()
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, checklistId))
      .orderBy(checklistItems.position);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    projectId = (await makeProject(t.handle.db)).id;
    rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager"] });
    engineer = await makeUser(t.handle.db, { projectId, roles: ["engineer"] });
    approver = await makeUser(t.handle.db, { projectId, roles: ["approver"] });
    viewer = await makeUser(t.handle.db, { projectId, roles: ["viewer"] });
    ({ planId } = await createPlan(ctx(rm), {
      projectId,
      template: "staged",
      name: "Checklists",
      releaseVersion: "1.0.0",
    }));
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    token = (await createApiToken(ctx(rm), { projectId, name: "ci", scopes: ["checklists:write"] })).token;
  });
  afterAll(async () => t?.drop());

  test("CI ticks an item by key with evidence; bad input gets a clear 4xx and changes nothing", async () => {
    const pre = await list("Pre-deployment");
    const before = await items(pre.id);
    const unknownKey = await patch(pre.id, "no-such-item", { state: "done" });
    expect(unknownKey.status).toBe(404);
    expect(((await unknownKey.json()) as { error: { message: string } }).error.message).toBe(
      'No item with key "no-such-item" in this checklist',
    );
    const wrongState = await patch(pre.id, "tests-passing", { state: "finished" });
    expect(wrongState.status).toBe(400);
    expect(
      ((await wrongState.json()) as { error: { fields: Record<string, string[]> } }).error.fields.state,
    ).toBeDefined();
    const noReason = await patch(pre.id, "tests-passing", { state: "blocked" });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { fields: Record<string, string[]> } }).error.fields.reason).toEqual([
      "Say why the item is blocked",
    ]);
    const badUrl = await patch(pre.id, "tests-passing", { state: "done", evidenceUrl: "javascript:alert(1)" });
    expect(badUrl.status).toBe(400);
    expect(await items(pre.id)).toEqual(before);

    // Another project's checklist does not exist for this token.
    const otherProject = await makeProject(t.handle.db);
    const otherRm = await makeUser(t.handle.db, { projectId: otherProject.id, roles: ["release_manager"] });
    const foreign = await createPlan(ctx(otherRm), {
      projectId: otherProject.id,
      template: "canary",
      name: "Other",
      releaseVersion: "1",
    });
    const [foreignList] = await t.handle.db
      .select()
      .from(checklists)
      .where(eq(checklists.planId, foreign.planId))
      .limit(1);
    expect((await patch(foreignList!.id, "tests-passing", { state: "done" })).status).toBe(404);

    const ok = await patch(pre.id, "tests-passing", { state: "done", evidenceUrl: "https://ci.example.com/runs/981" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ key: "tests-passing", state: "done", signOffsVoided: 0 });
    const [ticked] = (await items(pre.id)).filter((i) => i.key === "tests-passing");
    expect(ticked).toMatchObject({
      state: "done",
      evidenceUrl: "https://ci.example.com/runs/981",
      updatedByLabel: "token ci",
    });
  });

  test("sign-offs: only complete lists, only the required role; a later change voids them visibly", async () => {
    const internal = await list("Internal go/no-go");
    expect(await codeOf(signChecklist(ctx(approver), { checklistId: internal.id }))).toBe("conflict:state");
    for (const item of await items(internal.id))
      await updateChecklistItem(ctx(engineer), { itemId: item.id, state: "done" });
    expect(await codeOf(signChecklist(ctx(engineer), { checklistId: internal.id }))).toBe("forbidden:permission");
    await signChecklist(ctx(approver), { checklistId: internal.id });
    expect(await codeOf(signChecklist(ctx(approver), { checklistId: internal.id }))).toBe("conflict:state");
    // A retried tick with the same state changes nothing and keeps the sign-off.
    const same = (await items(internal.id))[1]!;
    expect((await updateChecklistItem(ctx(engineer), { itemId: same.id, state: "done" })).signOffsVoided).toBe(0);

    // Editing a signed list is refused; changing an item voids the sign-off, saying which change did.
    expect(await codeOf(addChecklistItem(ctx(rm), { checklistId: internal.id, text: "Late addition" }))).toBe(
      "conflict:state",
    );
    const first = (await items(internal.id))[0]!;
    const result = await updateChecklistItem(ctx(engineer), {
      itemId: first.id,
      state: "blocked",
      reason: "Found a P0 in checkout",
    });
    expect(result.signOffsVoided).toBe(1);
    const [voided] = await t.handle.db.select().from(signOffs).where(eq(signOffs.checklistId, internal.id));
    expect(voided).toMatchObject({
      voidedByItemId: first.id,
      voidReason: `“${first.text}” changed from done to blocked`,
    });
    expect(voided!.voidedAt).toBeInstanceOf(Date);
    const live = await t.handle.db
      .select({ n: count() })
      .from(signOffs)
      .where(and(eq(signOffs.checklistId, internal.id), isNull(signOffs.voidedAt)));
    expect(Number(live[0]!.n)).toBe(0);
  });

  test("items: add, edit and reorder while unsigned, by release managers only", async () => {
    const pre = await list("Pre-deployment");
    expect(await codeOf(addChecklistItem(ctx(engineer), { checklistId: pre.id, text: "Sneaky item" }))).toBe(
      "forbidden:permission",
    );
    const added = await addChecklistItem(ctx(rm), {
      checklistId: pre.id,
      text: "Feature flag working as expected",
      assigneeRole: "engineer",
    });
    expect(added.key).toBe("feature-flag-working-as-expected");
    const again = await addChecklistItem(ctx(rm), { checklistId: pre.id, text: "Feature flag working as expected" });
    expect(again.key).toBe("feature-flag-working-as-expected-2");
    await expect(
      addChecklistItem(ctx(rm), { checklistId: pre.id, text: "x", key: "tests-passing" }),
    ).rejects.toMatchObject({ fieldErrors: { key: ["Already used in this checklist"] } });
    await editChecklistItem(ctx(rm), {
      itemId: again.id,
      text: "Kill switch tested",
      required: false,
      assigneeRole: "",
    });
    await moveChecklistItem(ctx(rm), { itemId: again.id, direction: "up" });
    const keys = (await items(pre.id)).map((i) => i.key);
    expect(keys.indexOf("feature-flag-working-as-expected-2")).toBe(
      keys.indexOf("feature-flag-working-as-expected") - 1,
    );
    const edited = (await items(pre.id)).find((i) => i.id === again.id)!;
    expect(edited).toMatchObject({ text: "Kill switch tested", required: false, assigneeRole: null });

    // Assigned to a person: it shows in their My work, whatever their role; outsiders cannot be assigned.
    await editChecklistItem(ctx(rm), { itemId: again.id, text: "Kill switch tested", assigneeUserId: approver.userId });
    expect((await loadMyWork(t.handle.db, approver)).map((w) => w.text)).toContain("Kill switch tested");
    const outsider = await makeUser(t.handle.db, {});
    await expect(
      editChecklistItem(ctx(rm), { itemId: again.id, text: "Kill switch tested", assigneeUserId: outsider.userId }),
    ).rejects.toMatchObject({ fieldErrors: { assigneeUserId: ["Not a member of this project"] } });
  });

  test("My work: items for my roles, sign-offs I owe, gates I can approve", async () => {
    const mine = await loadMyWork(t.handle.db, engineer);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((w) => w.kind === "item")).toBe(true);
    expect(mine.map((w) => w.text)).toContain("Code review approved");
    const approverWork = await loadMyWork(t.handle.db, approver);
    expect(approverWork.map((w) => w.kind)).toEqual(expect.arrayContaining(["approval", "sign_off"]));
    expect(approverWork.find((w) => w.kind === "approval")!.detail).toBe("0 of 1 approvals given");
    expect(await loadMyWork(t.handle.db, viewer)).toEqual([]);
  });

  test("My work's fingerprint, which an open My work page polls, changes when what it lists does", async () => {
    const before = workFingerprint(await loadMyWork(t.handle.db, engineer));
    expect(workFingerprint(await loadMyWork(t.handle.db, engineer))).toBe(before);
    const [review] = await t.handle.db
      .select({ id: checklistItems.id })
      .from(checklistItems)
      .where(eq(checklistItems.text, "Code review approved"));
    await updateChecklistItem(ctx(engineer), { itemId: review!.id, state: "blocked", reason: "Reviewer away" });
    const blocked = workFingerprint(await loadMyWork(t.handle.db, engineer));
    expect(blocked).not.toBe(before);
    await updateChecklistItem(ctx(engineer), { itemId: review!.id, state: "open" });
    expect(workFingerprint(await loadMyWork(t.handle.db, engineer))).not.toBe(blocked);
    expect(workFingerprint([])).toMatch(/^0:/);
  });

  test("twenty people ticking two hundred items at once lose nothing", async () => {
    const [internalPhase] = await t.handle.db
      .select()
      .from(phases)
      .where(and(eq(phases.planId, planId), eq(phases.name, "Internal")));
    const [big] = await t.handle.db
      .insert(checklists)
      .values({ planId, phaseId: internalPhase!.id, kind: "post_deployment", window: "immediate", title: "Load list" })
      .returning();
    await t.handle.db.insert(checklistItems).values(
      Array.from({ length: 200 }, (_, i) => ({
        checklistId: big!.id,
        key: `item-${i}`,
        text: `Item ${i}`,
        position: i,
      })),
    );
    const people = await Promise.all(
      Array.from({ length: 20 }, () => makeUser(t.handle.db, { projectId, roles: ["engineer"] })),
    );
    const all = await items(big!.id);
    const outcomes = await Promise.all(
      all.map((item, i) => codeOf(updateChecklistItem(ctx(people[i % 20]!), { itemId: item.id, state: "done" }))),
    );
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
    const done = (await items(big!.id)).filter((i) => i.state === "done");
    expect(done).toHaveLength(200);
    const audits = await t.handle.db
      .select({ id: auditEvents.entityId })
      .from(auditEvents)
      .where(eq(auditEvents.action, "checklist_item.updated"));
    const ids = new Set(all.map((i) => i.id));
    expect(audits.filter((a) => ids.has(a.id))).toHaveLength(200);
  });
});
