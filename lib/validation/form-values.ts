import { z } from "zod";

// How form values arrive and what they mean: an empty box is "none", a checkbox sends "on" when
// ticked and nothing when not, and API callers send JSON instead. Shared by every schema that
// reads forms as well as JSON.

/** An empty box, or a value left out, is "none". */
export const blankToNull = (v: unknown) => (v === "" || v === undefined ? null : v);

/**
 * A yes or no: a JSON boolean, or a form's text as z.stringbool reads it ("on", "true", "yes",
 * "1"… and "off", "false", "no", "0"…). `whenAbsent` is the answer when the value is left out
 * (an unticked checkbox sends nothing); without it the answer is required.
 */
export function yesNo(message: string, whenAbsent?: boolean) {
  const value = z.preprocess((v) => (typeof v === "boolean" ? String(v) : v), z.stringbool({ error: message }));
  return whenAbsent === undefined ? value : value.optional().transform((v) => v ?? whenAbsent);
}
