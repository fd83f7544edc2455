"use client";

import { addLevelAction, updateLevelAction } from "@/app/plans/planning-actions";
import { Field } from "@/components/forms/fields";
import { RowForm, useRowForm } from "@/components/forms/row-form";

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
  const { state, action, field } = useRowForm(level, addLevelAction, updateLevelAction);
  return (
    <RowForm
      action={action}
      state={state}
      label={level ? `Edit escalation level ${level.level}` : "Add an escalation level"}
      testId={level ? "level-edit-form" : "level-add-form"}
      hidden={level ? { planId, levelId: level.id } : { planId }}
      submit={level ? "Save level" : "Add level"}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Level"
          {...field("level", nextLevel ? String(nextLevel.level) : "1")}
          type="number"
          min={1}
          max={20}
          inputMode="numeric"
        />
        <Field
          label="After (minutes)"
          {...field("afterMinutes", nextLevel ? String(nextLevel.afterMinutes) : "0")}
          type="number"
          min={0}
          inputMode="numeric"
          hint="Minutes after the incident is detected."
        />
      </div>
      <Field label="Who" {...field("who")} hint="A role or a person: on-call engineer, engineering manager…" />
      <Field
        label="Contact"
        {...field("contact")}
        hint="How to reach them: a pager rotation, a phone number, a channel."
      />
    </RowForm>
  );
}
