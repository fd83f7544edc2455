import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { flags, flagSegmentRules, phases, type Segment } from "@/db/schema";
import type { CompiledFlag, CompiledSegment } from "@/lib/domain/flag-eval";
import { currentTraffic } from "@/lib/domain/rollout";

// A project's flags as the evaluator needs them: variants, rules with their segments compiled
// (user lists as sets), and the rollout percentage resolved from the bound plan's phases.

export type ProjectFlags = ReadonlyMap<string, CompiledFlag>;

export async function loadProjectFlags(db: Database, projectId: string): Promise<ProjectFlags> {
  const rows = await db.query.flags.findMany({
    where: eq(flags.projectId, projectId),
    with: {
      segmentRules: { orderBy: asc(flagSegmentRules.position), with: { segment: true } },
      plan: {
        columns: { name: true, status: true },
        with: {
          phases: { columns: { name: true, status: true, trafficPercent: true }, orderBy: asc(phases.position) },
        },
      },
    },
  });
  const compiled = new Map<string, CompiledFlag>();
  for (const row of rows) {
    const active = row.plan?.phases.find((p) => p.status === "active") ?? null;
    compiled.set(row.key, {
      key: row.key,
      type: row.type,
      variants: row.variants,
      defaultVariant: row.defaultVariant,
      rolloutVariant: row.rolloutVariant,
      enabled: row.enabled,
      rolloutPercent: row.plan ? currentTraffic(row.plan.status, row.plan.phases) : (row.manualRolloutPercent ?? 0),
      version: row.version,
      source: row.plan ? { kind: "plan", plan: row.plan.name, phase: active?.name ?? null } : { kind: "manual" },
      rules: row.segmentRules.map((r) => ({ segment: compileSegment(r.segment), variant: r.variant })),
    });
  }
  return compiled;
}

function compileSegment(s: Segment): CompiledSegment {
  if (s.kind === "user_list") return { key: s.key, name: s.name, kind: "user_list", userKeys: new Set(s.userKeys) };
  return {
    key: s.key,
    name: s.name,
    kind: "attribute_rule",
    attribute: s.attribute ?? "",
    operator: s.operator ?? "in",
    values: s.values,
  };
}
