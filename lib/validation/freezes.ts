import { z } from "zod";
import { MAX_DISTINCT_APPROVERS, MIN_DISTINCT_APPROVERS } from "@/lib/domain/four-eyes";
import { yesNo } from "./form-values";

// Change freezes are defined by freezeRuleSchema (lib/domain/freeze-rule.ts); these are the other
// inputs around them: removing one, signing an emergency override, a project's four-eyes rule.

export const removeFreezeSchema = z.object({
  freezeId: z.uuid({ error: "Choose a freeze" }),
});

export const OVERRIDE_SIGNERS = ["release_manager", "admin"] as const;

export const signOverrideSchema = z.object({
  planId: z.uuid(),
  as: z.enum(OVERRIDE_SIGNERS, { error: "Sign as the release manager or as the admin" }),
  reason: z
    .string({ error: "Give the reason for overriding the freeze" })
    .trim()
    .min(1, { error: "Give the reason for overriding the freeze" })
    .max(1000, { error: "Use at most 1000 characters" }),
});

export const governanceSchema = z.object({
  projectId: z.uuid(),
  fourEyes: yesNo("Say whether four-eyes approvals apply", false),
  minDistinctApprovers: z.coerce
    .number({ error: "Enter how many distinct people must approve" })
    .int({ error: "Enter a whole number" })
    .min(MIN_DISTINCT_APPROVERS, { error: `At least ${MIN_DISTINCT_APPROVERS}` })
    .max(MAX_DISTINCT_APPROVERS, { error: `At most ${MAX_DISTINCT_APPROVERS}` }),
});
