"use client";

import clsx from "clsx";
import { useId, useLayoutEffect, useRef } from "react";
import { useFormStatus } from "react-dom";

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/30 dark:border-slate-700 dark:bg-slate-950";

/** Label, control, hint and errors: the control is described by the hint and announced with its errors. */
function Labelled({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  errors?: string[] | undefined;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}

/** A field's errors, under it; the field points at them with aria-describedby="<id>-error". */
export function FieldErrors({
  id,
  errors,
  className,
}: {
  id: string;
  errors?: readonly string[] | undefined;
  className?: string;
}) {
  if (!errors?.length) return null;
  return (
    <p id={`${id}-error`} className={clsx("text-xs text-red-700 dark:text-red-300", className)}>
      {errors.join(" ")}
    </p>
  );
}

/** A unique id per instance (a page may show several forms with the same field names) and what describes it. */
function useFieldId(prefix: string, name: string, hint: string | undefined, errors: string[] | undefined) {
  const id = `${prefix}-${name}-${useId().replace(/:/g, "")}`;
  const describedBy =
    [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return { id, describedBy, invalid: errors?.length ? true : undefined };
}

export type FieldProps = {
  label: string;
  name: string;
  type?: string;
  errors?: string[] | undefined;
  hint?: string | undefined;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "type">;

export function Field({ label, name, type = "text", errors, hint, ...rest }: FieldProps) {
  const { id, describedBy, invalid } = useFieldId("field", name, hint, errors);
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors}>
      <input
        id={id}
        name={name}
        type={type}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={inputClass}
        {...rest}
      />
    </Labelled>
  );
}

/** A number box for a measured value: any decimal, with the decimal keypad on phones. */
export function DecimalField(props: Omit<FieldProps, "type" | "step" | "inputMode">) {
  return <Field type="number" step="any" inputMode="decimal" {...props} />;
}

/** A number box for a whole number of minutes, none or more. */
export function MinutesField(props: Omit<FieldProps, "type" | "step" | "min">) {
  return <Field type="number" min={0} step={1} {...props} />;
}

/** The signing-in person's own email: password managers fill it as the account's user name. */
export function OwnEmailField(props: Omit<FieldProps, "label" | "name" | "type" | "autoComplete" | "required">) {
  return <Field label="Email" name="email" type="email" autoComplete="username" required {...props} />;
}

/** A password box; `fresh` for a new password (managers offer one), else the one in use. */
export function PasswordField({
  fresh = false,
  ...props
}: Omit<FieldProps, "type" | "autoComplete"> & { fresh?: boolean }) {
  return <Field type="password" autoComplete={fresh ? "new-password" : "current-password"} {...props} />;
}

/** A labelled textarea whose hint and errors are announced with it, like Field. */
export function TextAreaField({
  label,
  name,
  errors,
  hint,
  mono = false,
  rows = 3,
  ...rest
}: {
  label: string;
  name: string;
  errors?: string[] | undefined;
  hint?: string;
  mono?: boolean;
  rows?: number;
} & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "rows">) {
  const { id, describedBy, invalid } = useFieldId("textarea", name, hint, errors);
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={mono ? `${inputClass} font-mono` : inputClass}
        {...rest}
      />
    </Labelled>
  );
}

export interface Option {
  value: string;
  label: string;
}

/**
 * A labelled select whose errors are announced with it, like Field. With `onChange` it is
 * controlled by `value` (a form that shows other fields depending on the choice).
 *
 * React resets a form after its action runs, and a reset puts a select back on the option marked
 * `defaultSelected`, which React marks only when the select mounts. So an uncontrolled select is
 * mounted afresh when its default changes (a refused form shows what was sent), and a controlled
 * one keeps the mark on its value (the reset leaves it where its state is, and the fields that
 * depend on it stay right).
 */
export function SelectField({
  label,
  name,
  options,
  defaultValue,
  value,
  onChange,
  errors,
  hint,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string | undefined;
  value?: string;
  onChange?: (value: string) => void;
  errors?: string[] | undefined;
  hint?: string | undefined;
}) {
  const { id, describedBy, invalid } = useFieldId("select", name, hint, errors);
  const ref = useRef<HTMLSelectElement>(null);
  const controlled = onChange !== undefined;
  useLayoutEffect(() => {
    if (!controlled || !ref.current) return;
    for (const option of ref.current.options) option.defaultSelected = option.value === value;
  }, [controlled, value]);
  const control = onChange
    ? { value, onChange: (e: React.ChangeEvent<HTMLSelectElement>) => onChange(e.target.value) }
    : { defaultValue };
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors}>
      <select
        key={controlled ? "controlled" : (defaultValue ?? "")}
        ref={ref}
        id={id}
        name={name}
        {...control}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={inputClass}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

export function SubmitButton({
  children,
  variant = "primary",
  pendingText,
}: {
  children: React.ReactNode;
  variant?: "primary" | "secondary" | "danger";
  pendingText?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className={clsx(
        "inline-flex items-center justify-center rounded-md px-3 py-2 text-sm font-medium shadow-sm disabled:opacity-60",
        variant === "primary" && "bg-accent-600 text-white hover:bg-accent-700",
        variant === "secondary" &&
          "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
        variant === "danger" &&
          "border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-800 dark:bg-slate-900 dark:text-red-300",
      )}
    >
      {pending ? (pendingText ?? "Working…") : children}
    </button>
  );
}

export function FormMessage({ state }: { state: { ok: boolean; error?: string; message?: string } | null }) {
  if (!state) return null;
  if (!state.ok && state.error) {
    return (
      <p
        role="alert"
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200"
      >
        {state.error}
      </p>
    );
  }
  if (state.ok && state.message) {
    return (
      <p
        role="status"
        className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
      >
        {state.message}
      </p>
    );
  }
  return null;
}

/** Hidden inputs carrying what the action needs besides the fields (ids, the version seen). */
export function Hidden({ fields }: { fields: Record<string, string | number> }) {
  return Object.entries(fields).map(([name, value]) => (
    <input key={name} type="hidden" name={name} value={String(value)} />
  ));
}

/**
 * What a form that adds or edits a project's record saves to: the edited record by its id
 * (`idName`), else the project a new one goes into.
 */
export function SaveTarget({
  idName,
  id,
  projectId,
}: {
  idName: string;
  id: string | undefined;
  projectId: string | undefined;
}) {
  return id ? (
    <input type="hidden" name={idName} value={id} />
  ) : (
    <input type="hidden" name="projectId" value={projectId} />
  );
}
