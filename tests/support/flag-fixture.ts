import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { flagSegmentRules, flags, segments } from "@/db/schema";
import { EVENTS_CHANNEL } from "@/lib/services/events";
import { planWithTokens } from "./api-fixture";

/**
 * A project with a canary plan (not started) and two flags: `checkout.one-page` (boolean, bound
 * to the plan, internal team on, shoppers outside the pilot regions off) and `banner.color`
 * (string, set by hand to 100%). Plus a flags:evaluate token.
 */
export async function flagProject(db: Database, name = "Flags") {
  const fixture = await planWithTokens(db, "canary", name, { flags: ["flags:evaluate"], metrics: ["metrics:write"] });
  const { projectId, planId } = fixture;
  const [onePage] = await db
    .insert(flags)
    .values({
      projectId,
      key: "checkout.one-page",
      type: "boolean",
      variants: { on: true, off: false },
      defaultVariant: "off",
      rolloutVariant: "on",
      planId,
    })
    .returning();
  const [internal] = await db
    .insert(segments)
    .values({ projectId, key: "internal-team", name: "Internal team", kind: "user_list", userKeys: ["rina", "eko"] })
    .returning();
  const [outside] = await db
    .insert(segments)
    .values({
      projectId,
      key: "outside-pilot-regions",
      name: "Outside pilot regions",
      kind: "attribute_rule",
      attribute: "region",
      operator: "not_in",
      values: ["Jakarta", "Surabaya"],
    })
    .returning();
  await db.insert(flagSegmentRules).values([
    { flagId: onePage!.id, segmentId: internal!.id, position: 0, variant: "on" },
    { flagId: onePage!.id, segmentId: outside!.id, position: 1, variant: "off" },
  ]);
  await db.insert(flags).values({
    projectId,
    key: "banner.color",
    type: "string",
    variants: { blue: "#2563eb", green: "#16a34a" },
    defaultVariant: "blue",
    rolloutVariant: "green",
    manualRolloutPercent: 100,
  });
  return { ...fixture, flagId: onePage!.id };
}

/**
 * Flips a flag's kill switch the way any writer must: in one transaction with the change
 * notification, so every evaluator reloads.
 */
export async function setKillSwitch(db: Database, projectId: string, flagId: string, enabled: boolean) {
  await db.transaction(async (tx) => {
    await tx
      .update(flags)
      .set({ enabled, version: sql`${flags.version} + 1` })
      .where(eq(flags.id, flagId));
    await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type: "flags.changed", projectId })})`);
  });
}
