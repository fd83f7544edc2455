import { z } from "zod";

// Outbound destinations a project names (webhook receivers, Prometheus servers): the same rules
// for their names, and the same first checks of their URLs.

/** A webhook's or a metric source's name. */
export const destinationNameSchema = z
  .string({ error: "Enter a name" })
  .trim()
  .min(1, { error: "Enter a name" })
  .max(80, { error: "Use at most 80 characters" });

/**
 * The URL of an outbound destination, or null (with the issue added) when it is not an http:// or
 * https:// URL or carries a user name or password; `messages` say it in the destination's words.
 */
export function destinationUrl(
  value: string,
  ctx: z.RefinementCtx,
  messages: { invalid: string; credentials: string },
): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: messages.invalid });
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: "Use an http:// or https:// URL" });
    return null;
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: "custom", message: messages.credentials });
    return null;
  }
  return url;
}
