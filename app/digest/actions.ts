"use server";

import { type ActionResult, formToObject, runAction, settle } from "@/lib/actions/run";
import { describeSlot, type IsoWeekday } from "@/lib/domain/digest-schedule";
import { saveDigestSchedule } from "@/lib/services/digest";

export type DigestScheduleResult = ActionResult<{ when: string; enabled: boolean }>;

/** The webhooks come as a checkbox group; an unticked box sends nothing; the portfolio's form names no project. */
export async function saveDigestScheduleAction(
  _prev: DigestScheduleResult | null,
  form: FormData,
): Promise<DigestScheduleResult> {
  const fields = formToObject(form, ["webhookIds"]);
  const result = await runAction(async (ctx) => {
    const saved = await saveDigestSchedule(ctx, {
      ...fields,
      projectId: fields.projectId || null,
      enabled: form.get("enabled") === "on",
    });
    return {
      when: describeSlot({ weekday: saved.weekday as IsoWeekday, hour: saved.hour, timeZone: saved.timeZone }),
      enabled: saved.enabled,
    };
  });
  return settle(result, form, {
    message: (s) =>
      s.enabled ? `Digest scheduled: ${s.when}.` : "Schedule saved; the digest is not sent while it is switched off.",
    revalidate: ["/digest"],
    keep: ["weekday", "hour", "timeZone"],
  });
}
