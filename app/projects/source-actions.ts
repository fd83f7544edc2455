"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import { createMetricSource, deleteMetricSource, updateMetricSource } from "@/lib/services/metric-sources";

export type SourceActionResult = ActionResult<{ name: string }>;

const KEPT = ["name", "baseUrl", "pollIntervalSeconds", "enabled"] as const;

/** A checkbox sends nothing when unticked: absent means disabled. */
function sourceInput(form: FormData) {
  return { ...formToObject(form), enabled: form.get("enabled") === "on" };
}

export async function createMetricSourceAction(
  _prev: SourceActionResult | null,
  form: FormData,
): Promise<SourceActionResult> {
  const result = await runAction(async (ctx) => ({ name: (await createMetricSource(ctx, sourceInput(form))).name }));
  if (result.ok) {
    revalidatePath("/projects/[slug]", "page");
    return { ...result, message: `Metric source “${result.data.name}” added.` };
  }
  return keepValues(result, form, KEPT);
}

export async function updateMetricSourceAction(
  _prev: SourceActionResult | null,
  form: FormData,
): Promise<SourceActionResult> {
  const result = await runAction(async (ctx) => ({ name: (await updateMetricSource(ctx, sourceInput(form))).name }));
  if (result.ok) {
    revalidatePath("/projects/[slug]", "page");
    return { ...result, message: `Metric source “${result.data.name}” saved.` };
  }
  return keepValues(result, form, KEPT);
}

export async function deleteMetricSourceAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runAction((ctx) => deleteMetricSource(ctx, formToObject(form)));
  if (result.ok) revalidatePath("/projects/[slug]", "page");
  return result;
}
