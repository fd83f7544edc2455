import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { flagSegmentRules, flags, plans, projects, segments, type Flag, type Segment } from "@/db/schema";
import { AppError, isUniqueViolation } from "@/lib/errors";
import {
  createFlagSchema,
  createSegmentSchema,
  flagRefSchema,
  segmentRefSchema,
  setFlagEnabledSchema,
  setFlagRulesSchema,
  updateFlagSchema,
  updateSegmentSchema,
} from "@/lib/validation/flags";
import { parseInput } from "@/lib/validation/parse";
import { z } from "zod";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

// Feature flags and the segments they target. Evaluators in every process keep a project's flags
// in memory and reload them when they hear "flags.changed", so every change that can alter what
// a flag serves bumps the flag's version and announces it in the same transaction.

const projectRef = z.object({ projectId: z.uuid({ error: "Name the project (its id)" }) });

const flagSnapshot = (f: Flag) => ({
  key: f.key,
  type: f.type,
  description: f.description,
  variants: f.variants,
  defaultVariant: f.defaultVariant,
  rolloutVariant: f.rolloutVariant,
  enabled: f.enabled,
  planId: f.planId,
  manualRolloutPercent: f.manualRolloutPercent,
});
const segmentSnapshot = (s: Segment) => ({
  key: s.key,
  name: s.name,
  kind: s.kind,
  userKeys: s.userKeys,
  attribute: s.attribute,
  operator: s.operator,
  values: s.values,
});

/** JSON with object keys sorted: jsonb does not keep the order variants were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
const variantList = (variants: Record<string, unknown>) => Object.keys(variants).sort().join(", ");

const bumped = () => ({ version: sql`${flags.version} + 1`, updatedAt: new Date() });

const fieldError = (field: string, message: string) =>
  new AppError("bad_request:validation", `${field}: ${message}`, { [field]: [message] });
const flagKeyTaken = (key: string) => fieldError("key", `Another flag in this project has the key “${key}”`);
const segmentKeyTaken = (key: string) => fieldError("key", `Another segment in this project has the key “${key}”`);

/** Runs `fn`, turning a unique-key race the early check missed into the same field error. */
async function keyGuard<T>(fn: () => Promise<T>, taken: () => AppError | null): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const replacement = isUniqueViolation(error) ? taken() : null;
    throw replacement ?? error;
  }
}

/**
 * Announces changed flags after commit. The event names the plan when every changed flag follows
 * the same one, so that plan's open pages refresh too.
 */
async function announce(tx: Tx, projectId: string, changed: readonly { key: string; planId: string | null }[]) {
  const planIds = [...new Set(changed.map((f) => f.planId).filter((id) => id !== null))];
  const planId = planIds.length === 1 ? { planId: planIds[0] } : {};
  await notifyOnCommit(tx, {
    type: "flags.changed",
    projectId,
    ...planId,
    flagKeys: [...new Set(changed.map((f) => f.key))],
  });
}

async function assertProject(tx: Tx, projectId: string) {
  const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
  if (!project) throw new AppError("not_found:entity", "No project with this id");
}

/** A flag follows a plan of its own project only. */
async function assertPlanOfProject(tx: Tx, projectId: string, planId: string | null | undefined) {
  if (!planId) return;
  const [plan] = await tx.select({ projectId: plans.projectId }).from(plans).where(eq(plans.id, planId));
  if (!plan || plan.projectId !== projectId) throw fieldError("planId", "Choose a plan of this project");
}

async function flagForWrite(tx: Tx, ctx: ServiceContext, flagId: string): Promise<Flag> {
  const [flag] = await tx.select().from(flags).where(eq(flags.id, flagId)).for("update");
  if (!flag) throw new AppError("not_found:entity", "No flag with this id");
  authorize(ctx.actor, flag.projectId, { action: "flag:edit" });
  return flag;
}

async function segmentForWrite(tx: Tx, ctx: ServiceContext, segmentId: string): Promise<Segment> {
  const [segment] = await tx.select().from(segments).where(eq(segments.id, segmentId)).for("update");
  if (!segment) throw new AppError("not_found:entity", "No segment with this id");
  authorize(ctx.actor, segment.projectId, { action: "flag:edit" });
  return segment;
}

// ---- Flags ----------------------------------------------------------------------------------

export async function createFlag(ctx: ServiceContext, input: unknown) {
  authorize(ctx.actor, parseInput(projectRef, input).projectId, { action: "flag:edit" });
  const data = parseInput(createFlagSchema, input);
  return keyGuard(
    () =>
      ctx.db.transaction(async (tx) => {
        await assertProject(tx, data.projectId);
        await assertPlanOfProject(tx, data.projectId, data.planId);
        const [clash] = await tx
          .select({ id: flags.id })
          .from(flags)
          .where(and(eq(flags.projectId, data.projectId), eq(flags.key, data.key)));
        if (clash) throw flagKeyTaken(data.key);
        const [flag] = await tx.insert(flags).values(data).returning();
        await writeAudit(
          tx,
          ctx.actor,
          {
            action: "flag.created",
            entityType: "flag",
            entityId: flag!.id,
            projectId: flag!.projectId,
            planId: flag!.planId,
            after: flagSnapshot(flag!),
          },
          ctx.requestId,
        );
        await announce(tx, flag!.projectId, [flag!]);
        return flag!;
      }),
    () => flagKeyTaken(data.key),
  );
}

/** Description, variants, default and rollout variants, and where the rollout % comes from. The key and type stay. */
export async function updateFlag(ctx: ServiceContext, input: unknown) {
  const { flagId } = parseInput(flagRefSchema, input);
  return ctx.db.transaction(async (tx) => {
    const before = await flagForWrite(tx, ctx, flagId);
    const data = parseInput(updateFlagSchema(before), input);
    await assertPlanOfProject(tx, before.projectId, data.planId);
    const planId = data.planId === undefined ? before.planId : data.planId;
    const next = {
      description: data.description ?? before.description,
      variants: data.variants ?? before.variants,
      defaultVariant: data.defaultVariant ?? before.defaultVariant,
      rolloutVariant: data.rolloutVariant ?? before.rolloutVariant,
      planId,
      // A bound flag's share follows its plan; a share typed by hand would only mislead.
      manualRolloutPercent: planId
        ? null
        : data.manualRolloutPercent === undefined
          ? before.manualRolloutPercent
          : data.manualRolloutPercent,
    };
    const unchanged = (Object.keys(next) as (keyof typeof next)[]).every(
      (k) => canonical(next[k]) === canonical(before[k]),
    );
    if (unchanged) return before;
    // Rules serving a variant that no longer exists are refused, not dropped silently.
    const orphaned = await tx
      .select({ name: segments.name, variant: flagSegmentRules.variant })
      .from(flagSegmentRules)
      .innerJoin(segments, eq(segments.id, flagSegmentRules.segmentId))
      .where(eq(flagSegmentRules.flagId, flagId))
      .orderBy(asc(flagSegmentRules.position));
    const lost = orphaned.filter((r) => !(r.variant in next.variants));
    if (lost.length) {
      throw fieldError(
        "variants",
        `Keep ${lost.map((r) => `“${r.variant}” (served to ${r.name})`).join(", ")}, or change those segment rules first`,
      );
    }
    const [after] = await tx
      .update(flags)
      .set({ ...next, ...bumped() })
      .where(eq(flags.id, flagId))
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "flag.updated",
        entityType: "flag",
        entityId: flagId,
        projectId: before.projectId,
        planId: after!.planId ?? before.planId,
        before: flagSnapshot(before),
        after: flagSnapshot(after!),
      },
      ctx.requestId,
    );
    await announce(tx, before.projectId, before.planId !== after!.planId ? [before, after!] : [after!]);
    return after!;
  });
}

/** The kill switch: off serves the default variant to everyone at once. Who and why are audited. */
export async function setFlagEnabled(ctx: ServiceContext, input: unknown) {
  const { flagId } = parseInput(flagRefSchema, input);
  return ctx.db.transaction(async (tx) => {
    const before = await flagForWrite(tx, ctx, flagId);
    const { enabled, reason } = parseInput(setFlagEnabledSchema, input);
    // Someone else flipped it first: nothing to change, nothing to announce.
    if (before.enabled === enabled) return { flag: before, changed: false };
    const [after] = await tx
      .update(flags)
      .set({ enabled, ...bumped() })
      .where(eq(flags.id, flagId))
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: enabled ? "flag.enabled" : "flag.killed",
        entityType: "flag",
        entityId: flagId,
        projectId: before.projectId,
        planId: before.planId,
        before: { enabled: before.enabled },
        after: { enabled, reason: reason || null, serving: enabled ? null : before.defaultVariant },
      },
      ctx.requestId,
    );
    await announce(tx, before.projectId, [after!]);
    return { flag: after!, changed: true };
  });
}

export async function deleteFlag(ctx: ServiceContext, input: unknown) {
  const { flagId } = parseInput(flagRefSchema, input);
  return ctx.db.transaction(async (tx) => {
    const flag = await flagForWrite(tx, ctx, flagId);
    const rules = await tx
      .select({ segmentId: flagSegmentRules.segmentId, variant: flagSegmentRules.variant })
      .from(flagSegmentRules)
      .where(eq(flagSegmentRules.flagId, flagId))
      .orderBy(asc(flagSegmentRules.position));
    await tx.delete(flags).where(eq(flags.id, flagId));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "flag.deleted",
        entityType: "flag",
        entityId: flagId,
        projectId: flag.projectId,
        planId: flag.planId,
        before: { ...flagSnapshot(flag), rules },
      },
      ctx.requestId,
    );
    await announce(tx, flag.projectId, [flag]);
    return { id: flagId, key: flag.key, planId: flag.planId };
  });
}

/** Replaces a flag's ordered segment rules as a whole: the first matching segment serves its variant. */
export async function setFlagRules(ctx: ServiceContext, input: unknown) {
  const { flagId } = parseInput(flagRefSchema, input);
  return ctx.db.transaction(async (tx) => {
    const flag = await flagForWrite(tx, ctx, flagId);
    const { rules } = parseInput(setFlagRulesSchema, input);
    const ids = [...new Set(rules.map((r) => r.segmentId))];
    const known = ids.length
      ? await tx
          .select({ id: segments.id, projectId: segments.projectId })
          .from(segments)
          .where(inArray(segments.id, ids))
      : [];
    const ownIds = new Set(known.filter((s) => s.projectId === flag.projectId).map((s) => s.id));
    const fieldErrors: Record<string, string[]> = {};
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (!ownIds.has(rule.segmentId))
        (fieldErrors[`rules.${i}.segmentId`] ??= []).push("Choose a segment of this project");
      else if (seen.has(rule.segmentId))
        (fieldErrors[`rules.${i}.segmentId`] ??= []).push(
          "This segment already has a rule above; one rule per segment",
        );
      seen.add(rule.segmentId);
      if (!(rule.variant in flag.variants))
        (fieldErrors[`rules.${i}.variant`] ??= []).push(
          `“${rule.variant}” is not one of the flag's variants (${variantList(flag.variants)})`,
        );
    });
    if (Object.keys(fieldErrors).length) {
      const summary = Object.entries(fieldErrors)
        .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
        .join(", ");
      throw new AppError("bad_request:validation", `Invalid input — ${summary}`, fieldErrors);
    }
    const before = await tx
      .select({ segmentId: flagSegmentRules.segmentId, variant: flagSegmentRules.variant })
      .from(flagSegmentRules)
      .where(eq(flagSegmentRules.flagId, flagId))
      .orderBy(asc(flagSegmentRules.position));
    const after = rules.map((r) => ({ segmentId: r.segmentId, variant: r.variant }));
    if (JSON.stringify(before) === JSON.stringify(after)) return { flag, rules: after, changed: false };
    await tx.delete(flagSegmentRules).where(eq(flagSegmentRules.flagId, flagId));
    if (after.length)
      await tx.insert(flagSegmentRules).values(after.map((r, position) => ({ flagId, position, ...r })));
    const [touched] = await tx.update(flags).set(bumped()).where(eq(flags.id, flagId)).returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "flag.rules_set",
        entityType: "flag",
        entityId: flagId,
        projectId: flag.projectId,
        planId: flag.planId,
        before: { rules: before },
        after: { rules: after },
      },
      ctx.requestId,
    );
    await announce(tx, flag.projectId, [flag]);
    return { flag: touched!, rules: after, changed: true };
  });
}

// ---- Segments -------------------------------------------------------------------------------

/** Bumps every flag with a rule on the segment: what they serve may change with it. */
async function touchFlagsUsing(tx: Tx, segmentId: string) {
  const using = tx
    .select({ id: flagSegmentRules.flagId })
    .from(flagSegmentRules)
    .where(eq(flagSegmentRules.segmentId, segmentId));
  return tx
    .update(flags)
    .set(bumped())
    .where(inArray(flags.id, using))
    .returning({ key: flags.key, planId: flags.planId });
}

async function assertSegmentKeyFree(tx: Tx, projectId: string, key: string, exceptId: string | null) {
  const [clash] = await tx
    .select({ id: segments.id })
    .from(segments)
    .where(
      and(eq(segments.projectId, projectId), eq(segments.key, key), exceptId ? ne(segments.id, exceptId) : undefined),
    );
  if (clash) throw segmentKeyTaken(key);
}

export async function createSegment(ctx: ServiceContext, input: unknown) {
  authorize(ctx.actor, parseInput(projectRef, input).projectId, { action: "flag:edit" });
  const data = parseInput(createSegmentSchema, input);
  return keyGuard(
    () =>
      ctx.db.transaction(async (tx) => {
        await assertProject(tx, data.projectId);
        await assertSegmentKeyFree(tx, data.projectId, data.key, null);
        const [segment] = await tx.insert(segments).values(data).returning();
        await writeAudit(
          tx,
          ctx.actor,
          {
            action: "segment.created",
            entityType: "segment",
            entityId: segment!.id,
            projectId: data.projectId,
            after: segmentSnapshot(segment!),
          },
          ctx.requestId,
        );
        // No flag uses it yet; evaluators that load segments with the project still hear of it.
        await announce(tx, data.projectId, []);
        return segment!;
      }),
    () => segmentKeyTaken(data.key),
  );
}

/** Changes a segment; every flag whose rules use it is bumped and announced. */
export async function updateSegment(ctx: ServiceContext, input: unknown) {
  const { segmentId } = parseInput(segmentRefSchema, input);
  let key: string | null = null;
  return keyGuard(
    () =>
      ctx.db.transaction(async (tx) => {
        const before = await segmentForWrite(tx, ctx, segmentId);
        const {
          key: newKey,
          name,
          kind,
          userKeys,
          attribute,
          operator,
          values,
        } = parseInput(updateSegmentSchema, input);
        const data = { key: newKey, name, kind, userKeys, attribute, operator, values };
        key = data.key;
        if (JSON.stringify(segmentSnapshot({ ...before, ...data })) === JSON.stringify(segmentSnapshot(before)))
          return { segment: before, flagKeys: [] as string[] };
        await assertSegmentKeyFree(tx, before.projectId, data.key, before.id);
        const [after] = await tx.update(segments).set(data).where(eq(segments.id, segmentId)).returning();
        const touched = await touchFlagsUsing(tx, segmentId);
        const flagKeys = touched.map((f) => f.key).sort();
        await writeAudit(
          tx,
          ctx.actor,
          {
            action: "segment.updated",
            entityType: "segment",
            entityId: segmentId,
            projectId: before.projectId,
            before: segmentSnapshot(before),
            after: { ...segmentSnapshot(after!), flags: flagKeys },
          },
          ctx.requestId,
        );
        await announce(tx, before.projectId, touched);
        return { segment: after!, flagKeys };
      }),
    () => (key ? segmentKeyTaken(key) : null),
  );
}

/** Deletes a segment and the rules that used it; those flags are bumped and announced. */
export async function deleteSegment(ctx: ServiceContext, input: unknown) {
  const { segmentId } = parseInput(segmentRefSchema, input);
  return ctx.db.transaction(async (tx) => {
    const segment = await segmentForWrite(tx, ctx, segmentId);
    const touched = await touchFlagsUsing(tx, segmentId);
    await tx.delete(segments).where(eq(segments.id, segmentId));
    const flagKeys = touched.map((f) => f.key).sort();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "segment.deleted",
        entityType: "segment",
        entityId: segmentId,
        projectId: segment.projectId,
        before: { ...segmentSnapshot(segment), flags: flagKeys },
      },
      ctx.requestId,
    );
    await announce(tx, segment.projectId, touched);
    return { id: segmentId, name: segment.name, flagKeys };
  });
}
