"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { addLevelAction, updateLevelAction } from "@/app/plans/planning-actions";
import { Field, SubmitButton } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";
import { failed } from "@/lib/actions/form-state";
import { Hidden } from "@/components/forms/fields";

export interface LevelValues {
  id: string;
  level: number;
  who: string;
  afterMinutes: number;
  contact: string;
}

/** Adds a level, or edits one; the server refuses a level reached no later than the one below it. */
export function LevelForm({
  planId,
  level,
  nextLevel,
}: {
  planId: string;
  level?: LevelValues;
  nextLevel?: { level: number; afterMinutes: number };
}) {
  const [state, action] = useActionState<FormState, FormData>(level ? updateLevelAction : addLevelAction, null);
  const { errors, values } = failed(state);
  const pick = (name: keyof LevelValues, fallback = "") => values?.[name] ?? (level ? String(level[name]) : fallback);
  return (
    <form
      action={action}
      className="space-y-3"
      noValidate
      aria-label={level ? `Edit escalation level ${level.level}` : "Add an escalation level"}
      data-testid={level ? "level-edit-form" : "level-add-form"}
    >
      <Hidden fields={level ? { planId, levelId: level.id } : { planId }} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Level"
          name="level"
          type="number"
          min={1}
          max={20}
          inputMode="numeric"
          defaultValue={pick("level", nextLevel ? String(nextLevel.level) : "1")}
          errors={errors?.level}
        />
        <Field
          label="After (minutes)"
          name="afterMinutes"
          type="number"
          min={0}
          inputMode="numeric"
          defaultValue={pick("afterMinutes", nextLevel ? String(nextLevel.afterMinutes) : "0")}
          errors={errors?.afterMinutes}
          hint="Minutes after the incident is detected."
        />
      </div>
      <Field
        label="Who"
        name="who"
        defaultValue={pick("who")}
        errors={errors?.who}
        hint="A role or a person: on-call engineer, engineering manager…"
      />
      <Field
        label="Contact"
        name="contact"
        defaultValue={pick("contact")}
        errors={errors?.contact}
        hint="How to reach them: a pager rotation, a phone number, a channel."
      />
      <StaleAwareMessage state={state} />
      <SubmitButton pendingText="Saving…">{level ? "Save level" : "Add level"}</SubmitButton>
    </form>
  );
}
