"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formAction } from "@/lib/actions/run";
import type { ServiceContext } from "@/lib/services/context";
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

// Server actions of the project page's "Feature flags" section and the plan page's flags panel:
// each calls one service of lib/services/flags.ts, which authorises, validates, writes with its
// audit event and announces the change to evaluators.

type Service = (ctx: ServiceContext, input: unknown) => Promise<unknown>;

const flagFields = [
  "key",
  "description",
  "type",
  "variants",
  "defaultVariant",
  "rolloutVariant",
  "planId",
  "manualRolloutPercent",
] as const;
const segmentFields = ["key", "name", "kind", "userKeys", "attribute", "operator", "values"] as const;

// Flags show on their project's page, and bound flags (with their rules, so segment edits too) on
// their plan's page.
const flagPages = [
  { path: "/projects/[slug]", type: "page" },
  { path: "/plans/[planId]", type: "page" },
] as const;
const run = (service: Service, form: FormData, message: (data: unknown) => string, keep: readonly string[] = []) =>
  formAction(service, form, { message, keep, revalidate: flagPages });

export async function createFlagAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(createFlag, form, () => `Flag “${String(form.get("key")).trim()}” created.`, flagFields);
}

export async function updateFlagAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateFlag, form, () => "Flag saved.", flagFields);
}

export async function setFlagEnabledAction(_prev: FormState, form: FormData): Promise<FormState> {
  const on = form.get("enabled") === "true";
  return run(
    setFlagEnabled,
    form,
    (data) => {
      const changed = (data as { changed: boolean }).changed;
      if (!changed) return on ? "The flag was already on." : "The flag was already off.";
      return on
        ? "Flag back on: the rollout and segment rules apply again."
        : "Flag killed: everyone gets the default variant.";
    },
    ["reason"],
  );
}

export async function deleteFlagAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(deleteFlag, form, (data) => `Flag “${(data as { key: string }).key}” deleted.`);
}

export async function setFlagRulesAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(setFlagRules, form, (data) =>
    (data as { changed: boolean }).changed ? "Segment rules saved." : "The rules were already so.",
  );
}

export async function createSegmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(createSegment, form, () => `Segment “${String(form.get("name")).trim()}” created.`, segmentFields);
}

export async function updateSegmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(
    updateSegment,
    form,
    (data) => {
      const keys = (data as { flagKeys: string[] }).flagKeys;
      return keys.length
        ? `Segment saved; ${keys.join(", ")} now use${keys.length === 1 ? "s" : ""} it.`
        : "Segment saved.";
    },
    segmentFields,
  );
}

export async function deleteSegmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(deleteSegment, form, (data) => `Segment “${(data as { name: string }).name}” deleted.`);
}
