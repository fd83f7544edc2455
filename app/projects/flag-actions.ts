"use server";

import { formActionsShowing } from "@/lib/actions/run";
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
const flagAction = formActionsShowing(flagPages);

export const createFlagAction = flagAction(
  createFlag,
  (_data, form) => `Flag “${String(form.get("key")).trim()}” created.`,
  flagFields,
);

export const updateFlagAction = flagAction(updateFlag, "Flag saved.", flagFields);

export const setFlagEnabledAction = flagAction(
  setFlagEnabled,
  (data, form) => {
    const on = form.get("enabled") === "true";
    if (!data.changed) return on ? "The flag was already on." : "The flag was already off.";
    return on
      ? "Flag back on: the rollout and segment rules apply again."
      : "Flag killed: everyone gets the default variant.";
  },
  ["reason"],
);

export const deleteFlagAction = flagAction(deleteFlag, (data) => `Flag “${data.key}” deleted.`);

export const setFlagRulesAction = flagAction(setFlagRules, (data) =>
  data.changed ? "Segment rules saved." : "The rules were already so.",
);

export const createSegmentAction = flagAction(
  createSegment,
  (_data, form) => `Segment “${String(form.get("name")).trim()}” created.`,
  segmentFields,
);

export const updateSegmentAction = flagAction(
  updateSegment,
  (data) => {
    const keys = data.flagKeys;
    return keys.length
      ? `Segment saved; ${keys.join(", ")} now use${keys.length === 1 ? "s" : ""} it.`
      : "Segment saved.";
  },
  segmentFields,
);

export const deleteSegmentAction = flagAction(deleteSegment, (data) => `Segment “${data.name}” deleted.`);
