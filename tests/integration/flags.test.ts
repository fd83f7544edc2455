import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "@/db/client";
import { auditEvents, flagSegmentRules, flags, segments } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { flagsBoundToPlan, projectFlags, projectSegments } from "@/lib/queries/flags";
import { listApiTokens } from "@/lib/queries/tokens";
import { transitionPlan } from "@/lib/services/decisions";
import { EVENTS_CHANNEL, type DomainEvent } from "@/lib/services/events";
import {
  createFlag,
  createSegment,
  deleteFlag,
  deleteSegment,
  setFlagEnabled,
  setFlagRules,
  updateFlag,
  updateSegment,
} from "@/lib/services/flags";
import { revokeApiToken } from "@/lib/services/tokens";
import { MAX_USER_KEYS } from "@/lib/validation/flags";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

async function fieldErrorsOf(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("bad_request:validation");
  return (error as AppError).fieldErrors ?? {};
}

const checkout = (projectId: string, extra: Record<string, unknown> = {}) => ({
  projectId,
  key: "checkout.one-page",
  description: "One-page checkout",
  type: "boolean",
  variants: "on = true\noff = false",
  defaultVariant: "off",
  rolloutVariant: "on",
  manualRolloutPercent: "10",
  ...extra,
});

describe.each(backends)("feature flags and segments on %s", (kind) => {
  let t: TestDatabase;
  let db: Database;
  let stopListening: () => Promise<void>;
  const heard: DomainEvent[] = [];

  /** Waits until an event matching `match` has been heard since `from`; returns the events since then. */
  async function until(from: number, match: (e: DomainEvent) => boolean): Promise<DomainEvent[]> {
    const deadline = Date.now() + 5_000;
    while (!heard.slice(from).some(match)) {
      if (Date.now() > deadline) throw new Error(`not heard; heard ${JSON.stringify(heard.slice(from))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return heard.slice(from);
  }
  /**
   * Notifications arrive on their own time. A sentinel sent now is heard after everything already
   * committed, so the returned mark leaves no earlier announcement still to come.
   */
  async function settled(): Promise<number> {
    const sentinel = `settle-${Math.random()}`;
    await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type: sentinel })})`);
    await until(0, (e) => e.type === sentinel);
    return heard.length;
  }
  /** Waits until an event with every field of `expected` (compared as JSON) has been heard since `from`. */
  async function heardLike(from: number, expected: Record<string, unknown>): Promise<DomainEvent> {
    const like = (e: DomainEvent) =>
      Object.entries(expected).every(
        ([k, v]) => JSON.stringify((e as Record<string, unknown>)[k]) === JSON.stringify(v),
      );
    await until(from, like);
    return heard.slice(from).find(like)!;
  }
  const flagEvents = (events: DomainEvent[], projectId: string) =>
    events.filter((e) => e.type === "flags.changed" && e.projectId === projectId);
  const flagRow = async (id: string) => (await db.select().from(flags).where(eq(flags.id, id)))[0]!;
  const auditOf = (entityId: string) =>
    db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(auditEvents.id);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.handle.db;
    stopListening = await t.handle.listen(EVENTS_CHANNEL, (payload) => heard.push(JSON.parse(payload) as DomainEvent));
  });
  afterAll(async () => {
    await stopListening?.();
    await t?.drop();
  });

  test("a release manager creates, edits, kills, revives and deletes a flag: each change audited, version-bumped and announced", async () => {
    const { projectId, planId, rm, ctx } = await planWithTokens(db, "canary", "Flags", {});
    let mark = await settled();
    const flag = await createFlag(ctx, checkout(projectId));
    expect(flag).toMatchObject({
      key: "checkout.one-page",
      type: "boolean",
      variants: { on: true, off: false },
      defaultVariant: "off",
      rolloutVariant: "on",
      enabled: true,
      planId: null,
      manualRolloutPercent: 10,
      version: 1,
    });
    await heardLike(mark, { type: "flags.changed", projectId, flagKeys: ["checkout.one-page"] });

    // Bound to the plan: the typed share is dropped, the event names the plan.
    mark = await settled();
    const bound = await updateFlag(ctx, {
      flagId: flag.id,
      description: "Serves the one-page checkout",
      planId,
      manualRolloutPercent: "",
    });
    expect(bound).toMatchObject({
      planId,
      manualRolloutPercent: null,
      description: "Serves the one-page checkout",
      version: 2,
    });
    expect(bound.updatedAt.getTime()).toBeGreaterThanOrEqual(flag.updatedAt.getTime());
    await heardLike(mark, { type: "flags.changed", projectId, planId, flagKeys: ["checkout.one-page"] });
    // The same values again change nothing and bump nothing.
    expect((await updateFlag(ctx, { flagId: flag.id, planId })).version).toBe(2);

    mark = await settled();
    const killed = await setFlagEnabled(ctx, { flagId: flag.id, enabled: "false", reason: "Double charges in Pilot" });
    expect(killed).toMatchObject({ changed: true, flag: { enabled: false, version: 3 } });
    await until(mark, (e) => e.type === "flags.changed" && e.projectId === projectId);
    // Flipped already: nothing to do.
    expect(await setFlagEnabled(ctx, { flagId: flag.id, enabled: false, reason: "again" })).toMatchObject({
      changed: false,
      flag: { version: 3 },
    });
    expect(await setFlagEnabled(ctx, { flagId: flag.id, enabled: "true" })).toMatchObject({
      changed: true,
      flag: { enabled: true, version: 4 },
    });

    const views = await projectFlags(db, projectId);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      key: "checkout.one-page",
      rolloutPercent: 0,
      source: { kind: "plan", planId, planName: "Flags", phaseName: "not started" },
      lastSwitch: { enabled: true, by: rm.name },
    });
    await transitionPlan(ctx, { planId, version: 1, action: "start" });
    const [following] = await flagsBoundToPlan(db, planId);
    expect(following).toMatchObject({
      key: "checkout.one-page",
      rolloutPercent: 5,
      source: { kind: "plan", phaseName: "Canary 5%" },
      version: 5,
    });

    mark = await settled();
    expect(await deleteFlag(ctx, { flagId: flag.id })).toEqual({ id: flag.id, key: "checkout.one-page", planId });
    await heardLike(mark, { type: "flags.changed", projectId, planId, flagKeys: ["checkout.one-page"] });
    expect(await projectFlags(db, projectId)).toEqual([]);

    const trail = await auditOf(flag.id);
    expect(trail.map((a) => [a.action, a.actorId])).toEqual([
      ["flag.created", rm.userId],
      ["flag.updated", rm.userId],
      ["flag.killed", rm.userId],
      ["flag.enabled", rm.userId],
      ["flag.deleted", rm.userId],
    ]);
    expect(trail[1]!.before).toMatchObject({ planId: null, manualRolloutPercent: 10 });
    expect(trail[1]!.after).toMatchObject({ planId, manualRolloutPercent: null });
    expect(trail[2]).toMatchObject({
      planId,
      before: { enabled: true },
      after: { enabled: false, reason: "Double charges in Pilot", serving: "off" },
    });
  });

  test("segments: lists trimmed and deduplicated; an edit or delete bumps and announces every flag using it", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Segments", {});
    const a = await createFlag(ctx, checkout(projectId, { key: "a" }));
    const b = await createFlag(
      ctx,
      checkout(projectId, {
        key: "b",
        type: "string",
        variants: { red: "red", blue: "  blue  " },
        defaultVariant: "red",
        rolloutVariant: "blue",
      }),
    );
    const c = await createFlag(ctx, checkout(projectId, { key: "c" }));
    expect(b.variants).toEqual({ red: "red", blue: "  blue  " });

    const team = await createSegment(ctx, {
      projectId,
      key: "internal-team",
      name: "Internal team",
      kind: "user_list",
      userKeys: " rina\neko, sam\n\nrina \n",
      attribute: "ignored",
      operator: "in",
      values: "x",
    });
    expect(team).toMatchObject({
      kind: "user_list",
      userKeys: ["rina", "eko", "sam"],
      attribute: null,
      operator: null,
      values: [],
    });
    const regions = await createSegment(ctx, {
      projectId,
      key: "outside-pilot-regions",
      name: "Outside pilot regions",
      kind: "attribute_rule",
      attribute: "region",
      operator: "not_in",
      values: ["Jakarta", " Surabaya", "Jakarta"],
      userKeys: "someone",
    });
    expect(regions).toMatchObject({
      attribute: "region",
      operator: "not_in",
      values: ["Jakarta", "Surabaya"],
      userKeys: [],
    });

    await setFlagRules(ctx, {
      flagId: a.id,
      rules: JSON.stringify([
        { segmentId: team.id, variant: "on" },
        { segmentId: regions.id, variant: "off" },
      ]),
    });
    await setFlagRules(ctx, { flagId: b.id, rules: [{ segmentId: team.id, variant: "blue" }] });
    const versions = {
      a: (await flagRow(a.id)).version,
      b: (await flagRow(b.id)).version,
      c: (await flagRow(c.id)).version,
    };
    expect(versions).toEqual({ a: 2, b: 2, c: 1 });

    let mark = await settled();
    const edited = await updateSegment(ctx, {
      segmentId: team.id,
      key: "internal-team",
      name: "Internal team",
      kind: "user_list",
      userKeys: "rina\neko\nsam\nadi",
    });
    expect(edited.flagKeys).toEqual(["a", "b"]);
    await heardLike(mark, { type: "flags.changed", projectId, flagKeys: ["a", "b"] });
    expect([(await flagRow(a.id)).version, (await flagRow(b.id)).version, (await flagRow(c.id)).version]).toEqual([
      3, 3, 1,
    ]);

    const listed = await projectSegments(db, projectId);
    expect(listed.map((s) => [s.key, s.usedBy])).toEqual([
      ["internal-team", ["a", "b"]],
      ["outside-pilot-regions", ["a"]],
    ]);

    mark = await settled();
    expect(await deleteSegment(ctx, { segmentId: regions.id })).toMatchObject({ flagKeys: ["a"] });
    await heardLike(mark, { type: "flags.changed", projectId, flagKeys: ["a"] });
    expect((await flagRow(a.id)).version).toBe(4);
    expect(await db.select().from(flagSegmentRules).where(eq(flagSegmentRules.flagId, a.id))).toHaveLength(1);

    expect((await auditOf(team.id)).map((e) => e.action)).toEqual(["segment.created", "segment.updated"]);
    expect((await auditOf(regions.id)).map((e) => e.action)).toEqual(["segment.created", "segment.deleted"]);
    expect((await auditOf(regions.id))[1]!.before).toMatchObject({ key: "outside-pilot-regions", flags: ["a"] });
  });

  test("rules are replaced whole and in order; the views read them back", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Rules", {});
    const flag = await createFlag(ctx, checkout(projectId));
    const one = await createSegment(ctx, { projectId, key: "one", name: "One", kind: "user_list", userKeys: ["u1"] });
    const two = await createSegment(ctx, {
      projectId,
      key: "two",
      name: "Two",
      kind: "attribute_rule",
      attribute: "plan",
      operator: "equals",
      values: "pro",
    });
    await setFlagRules(ctx, {
      flagId: flag.id,
      rules: [
        { segmentId: one.id, variant: "on" },
        { segmentId: two.id, variant: "off" },
      ],
    });
    const reordered = await setFlagRules(ctx, {
      flagId: flag.id,
      rules: [
        { segmentId: two.id, variant: "on" },
        { segmentId: one.id, variant: "on" },
      ],
    });
    expect(reordered).toMatchObject({ changed: true, flag: { version: 3 } });
    expect(
      await setFlagRules(ctx, {
        flagId: flag.id,
        rules: [
          { segmentId: two.id, variant: "on" },
          { segmentId: one.id, variant: "on" },
        ],
      }),
    ).toMatchObject({ changed: false });
    const [view] = await projectFlags(db, projectId);
    expect(view!.rules.map((r) => [r.segment.key, r.variant])).toEqual([
      ["two", "on"],
      ["one", "on"],
    ]);
    expect(view).toMatchObject({ rolloutPercent: 10, source: { kind: "manual" }, lastSwitch: null });
    await setFlagRules(ctx, { flagId: flag.id, rules: "[]" });
    expect((await projectFlags(db, projectId))[0]!.rules).toEqual([]);
    expect((await auditOf(flag.id)).filter((e) => e.action === "flag.rules_set")).toHaveLength(3);
  });

  test("engineers, viewers and other projects' release managers are refused, and nothing is announced", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Guarded", {});
    const other = await planWithTokens(db, "canary", "Other", {});
    const engineer = await makeUser(db, { projectId, roles: ["engineer"] });
    const viewer = await makeUser(db, { projectId, roles: ["viewer"] });
    const admin = await makeUser(db, { isAdmin: true });
    const flag = await createFlag(ctx, checkout(projectId));
    const segment = await createSegment(ctx, {
      projectId,
      key: "team",
      name: "Team",
      kind: "user_list",
      userKeys: "a",
    });
    const mark = await settled();
    for (const actor of [engineer, viewer, other.rm]) {
      const as = { db, actor, requestId: null };
      await expect(createFlag(as, checkout(projectId, { key: "mine" }))).rejects.toMatchObject({
        code: "forbidden:permission",
      });
      await expect(updateFlag(as, { flagId: flag.id, description: "x" })).rejects.toMatchObject({
        code: "forbidden:permission",
      });
      await expect(setFlagEnabled(as, { flagId: flag.id, enabled: false, reason: "mine" })).rejects.toMatchObject({
        code: "forbidden:permission",
      });
      await expect(setFlagRules(as, { flagId: flag.id, rules: [] })).rejects.toMatchObject({
        code: "forbidden:permission",
      });
      await expect(deleteFlag(as, { flagId: flag.id })).rejects.toMatchObject({ code: "forbidden:permission" });
      await expect(
        createSegment(as, { projectId, key: "x", name: "X", kind: "user_list", userKeys: "a" }),
      ).rejects.toMatchObject({ code: "forbidden:permission" });
      await expect(
        updateSegment(as, { segmentId: segment.id, key: "team", name: "Team", kind: "user_list", userKeys: "b" }),
      ).rejects.toMatchObject({ code: "forbidden:permission" });
      await expect(deleteSegment(as, { segmentId: segment.id })).rejects.toMatchObject({
        code: "forbidden:permission",
      });
    }
    // The refusals stay unheard: the next thing heard is the admin's change.
    await setFlagEnabled(
      { db, actor: admin, requestId: null },
      { flagId: flag.id, enabled: false, reason: "Admin check" },
    );
    const events = flagEvents(
      await until(mark, (e) => e.type === "flags.changed" && e.projectId === projectId),
      projectId,
    );
    expect(events).toHaveLength(1);
    expect(await flagRow(flag.id)).toMatchObject({ enabled: false, version: 2, description: "One-page checkout" });
    expect(await db.select().from(segments).where(eq(segments.id, segment.id))).toMatchObject([{ userKeys: ["a"] }]);
  });

  test("validation names each bad field, and a refused change writes and announces nothing", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Invalid", {});
    const other = await planWithTokens(db, "canary", "Elsewhere", {});
    const mark = await settled();

    const typed = await fieldErrorsOf(
      createFlag(
        ctx,
        checkout(projectId, {
          key: "bad key!",
          variants: "on = yes\noff = false",
          defaultVariant: "none",
          manualRolloutPercent: "150",
        }),
      ),
    );
    expect(Object.keys(typed).sort()).toEqual(["defaultVariant", "key", "manualRolloutPercent", "variants"]);
    expect(typed.variants).toEqual(["Variant “on”: a boolean flag serves true or false"]);
    expect(typed.defaultVariant).toEqual(["“none” is not one of the variants (on, off)"]);
    expect(typed.manualRolloutPercent).toEqual(["Enter a share from 0 to 100"]);
    expect(
      (
        await fieldErrorsOf(
          createFlag(
            ctx,
            checkout(projectId, {
              type: "number",
              variants: { low: 0.1, high: "lots" },
              defaultVariant: "low",
              rolloutVariant: "high",
            }),
          ),
        )
      ).variants,
    ).toEqual(["Variant “high”: a number flag serves a number, e.g. 0.5"]);
    expect(
      (
        await fieldErrorsOf(
          createFlag(
            ctx,
            checkout(projectId, {
              type: "object",
              variants: 'a = {"x": 1}\nb = [1, 2]',
              defaultVariant: "a",
              rolloutVariant: "b",
            }),
          ),
        )
      ).variants![0],
    ).toMatch(/^Variant “b”: an object flag serves a JSON object/);
    expect(
      (await fieldErrorsOf(createFlag(ctx, checkout(projectId, { manualRolloutPercent: "" })))).manualRolloutPercent,
    ).toEqual(["Set the share by hand (0 to 100), or bind the flag to a plan"]);
    expect((await fieldErrorsOf(createFlag(ctx, checkout(projectId, { planId: other.planId })))).planId).toEqual([
      "Choose a plan of this project",
    ]);

    const flag = await createFlag(
      ctx,
      checkout(projectId, {
        type: "object",
        variants: { compact: { layout: "compact" }, roomy: '{"layout": "roomy"}' },
        defaultVariant: "compact",
        rolloutVariant: "roomy",
      }),
    );
    expect(flag.variants).toEqual({ compact: { layout: "compact" }, roomy: { layout: "roomy" } });
    expect((await fieldErrorsOf(createFlag(ctx, checkout(projectId, { key: flag.key })))).key).toEqual([
      `Another flag in this project has the key “${flag.key}”`,
    ]);
    expect(
      Object.keys(
        await fieldErrorsOf(
          updateFlag(ctx, {
            flagId: flag.id,
            variants: "compact = true\nroomy = {}",
            rolloutVariant: "gone",
            manualRolloutPercent: -1,
          }),
        ),
      ).sort(),
    ).toEqual(["manualRolloutPercent", "rolloutVariant", "variants"]);
    expect((await fieldErrorsOf(updateFlag(ctx, { flagId: flag.id, planId: other.planId }))).planId).toEqual([
      "Choose a plan of this project",
    ]);
    expect(
      (await fieldErrorsOf(setFlagEnabled(ctx, { flagId: flag.id, enabled: "false", reason: "  " }))).reason,
    ).toEqual(["Say why the flag is switched off: everyone will be told"]);

    const team = await createSegment(ctx, { projectId, key: "team", name: "Team", kind: "user_list", userKeys: "a" });
    const foreign = await createSegment(other.ctx, {
      projectId: other.projectId,
      key: "theirs",
      name: "Theirs",
      kind: "user_list",
      userKeys: "z",
    });
    const rules = await fieldErrorsOf(
      setFlagRules(ctx, {
        flagId: flag.id,
        rules: [
          { segmentId: team.id, variant: "compact" },
          { segmentId: foreign.id, variant: "roomy" },
          { segmentId: team.id, variant: "wide" },
        ],
      }),
    );
    expect(rules).toEqual({
      "rules.1.segmentId": ["Choose a segment of this project"],
      "rules.2.segmentId": ["This segment already has a rule above; one rule per segment"],
      "rules.2.variant": ["“wide” is not one of the flag's variants (compact, roomy)"],
    });
    await setFlagRules(ctx, { flagId: flag.id, rules: [{ segmentId: team.id, variant: "roomy" }] });
    // A variant a rule still serves cannot be dropped.
    expect(
      (
        await fieldErrorsOf(
          updateFlag(ctx, {
            flagId: flag.id,
            variants: 'compact = {}\nwide = {"layout": "wide"}',
            rolloutVariant: "wide",
          }),
        )
      ).variants,
    ).toEqual(["Keep “roomy” (served to Team), or change those segment rules first"]);

    const tooMany = Array.from({ length: MAX_USER_KEYS + 1 }, (_, i) => `user-${i}`);
    expect(
      (
        await fieldErrorsOf(
          createSegment(ctx, { projectId, key: "big", name: "Big", kind: "user_list", userKeys: tooMany }),
        )
      ).userKeys,
    ).toEqual(["Use at most 10,000 targeting keys"]);
    expect(
      Object.keys(
        await fieldErrorsOf(
          createSegment(ctx, {
            projectId,
            key: "rule",
            name: "",
            kind: "attribute_rule",
            attribute: "1region",
            operator: "equals",
            values: "a,b",
          }),
        ),
      ).sort(),
    ).toEqual(["attribute", "name", "values"]);
    expect(
      (
        await fieldErrorsOf(
          updateSegment(ctx, { segmentId: team.id, key: "team", name: "Team", kind: "user_list", userKeys: " , " }),
        )
      ).userKeys,
    ).toEqual(["List at least one targeting key (user id, e-mail…)"]);
    expect(
      (
        await fieldErrorsOf(
          createSegment(ctx, { projectId, key: "team", name: "Again", kind: "user_list", userKeys: "a" }),
        )
      ).key,
    ).toEqual(["Another segment in this project has the key “team”"]);

    // Nothing of the refused changes is stored: the flag is as the rule change left it.
    expect(await flagRow(flag.id)).toMatchObject({
      version: 2,
      enabled: true,
      planId: null,
      manualRolloutPercent: 10,
      rolloutVariant: "roomy",
      variants: { compact: { layout: "compact" }, roomy: { layout: "roomy" } },
    });
    expect((await projectFlags(db, projectId)).map((f) => f.key)).toEqual([flag.key]);
    expect((await projectSegments(db, projectId)).map((s) => [s.key, s.userKeys])).toEqual([["team", ["a"]]]);
    const refused = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.entityType, "flag")));
    expect(refused.map((e) => e.action)).toEqual(["flag.created", "flag.rules_set"]);

    // Heard: the object flag's creation, the team segment and the rule change only.
    await until(
      mark,
      (e) =>
        e.type === "flags.changed" &&
        e.projectId === projectId &&
        (e.flagKeys as string[]).length === 1 &&
        heard.filter((h) => h.projectId === projectId && h.type === "flags.changed").length >= 3,
    );
    const events = flagEvents(heard.slice(mark), projectId);
    expect(events.map((e) => e.flagKeys)).toEqual([[flag.key], [], [flag.key]]);
  });

  test("revoking an API token is announced once it commits", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Tokens", { ofrep: ["flags:evaluate"] });
    const [token] = await listApiTokens(ctx.db, ctx.actor, projectId);
    const mark = await settled();
    await revokeApiToken(ctx, { tokenId: token!.id });
    expect(
      (await until(mark, (e) => e.type === "token.revoked" && e.projectId === projectId)).find(
        (e) => e.type === "token.revoked",
      ),
    ).toEqual({ type: "token.revoked", projectId, tokenId: token!.id });
  });
});
