// Which audit events count as which webhook events, with their names in words. Kept apart from
// the signing code (node:crypto) so forms in the browser can list the events.

export const WEBHOOK_EVENTS = ["phase.advanced", "decision.recorded", "trigger.fired", "rollback"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** "test": sent on request from the webhook's settings; "digest": the weekly digest, on its schedule. Never subscribed to. */
export type DeliveryEvent = WebhookEvent | "test" | "digest";

export const webhookEventLabel: Record<DeliveryEvent, string> = {
  "phase.advanced": "Phase advanced",
  "decision.recorded": "Decision recorded",
  "trigger.fired": "Trigger fired",
  rollback: "Rollback",
  test: "Test event",
  digest: "Weekly digest",
};

export const webhookEventDescription: Record<WebhookEvent, string> = {
  "phase.advanced": "A go opens the next phase or completes the rollout; starting a plan opens its first phase",
  "decision.recorded": "Any go, no-go or rollback decision, by a person, a pipeline or the system",
  "trigger.fired": "A rollback trigger breaches its threshold",
  rollback: "The release is rolled back, by a person or automatically",
};

/** The audit actions any webhook event comes from (the collector reads only these). */
export const WEBHOOK_SOURCE_ACTIONS = [
  "plan.start",
  "decision.go",
  "decision.no_go",
  "decision.rollback",
  "trigger.breached",
] as const;

/**
 * The webhook events an audit action counts as, most specific first.
 *
 * - plan.start → phase.advanced (the first phase opens)
 * - decision.go → phase.advanced, decision.recorded
 * - decision.no_go → decision.recorded
 * - decision.rollback → rollback, decision.recorded (an automatic rollback is also preceded by
 *   trigger.breached → trigger.fired)
 * - trigger.breached → trigger.fired
 *
 * Anything else (edits, approvals, incidents opened with the rollback, recoveries) sends nothing.
 */
export function webhookEventsFor(action: string): WebhookEvent[] {
  switch (action) {
    case "plan.start":
      return ["phase.advanced"];
    case "decision.go":
      return ["phase.advanced", "decision.recorded"];
    case "decision.no_go":
      return ["decision.recorded"];
    case "decision.rollback":
      return ["rollback", "decision.recorded"];
    case "trigger.breached":
      return ["trigger.fired"];
    default:
      return [];
  }
}

/**
 * What one webhook receives for one audit event: a single message naming every event it counts as
 * among those the webhook subscribes to (a go posts once, not once per event). Empty: nothing.
 */
export function eventsToDeliver(action: string, subscribed: readonly string[]): WebhookEvent[] {
  return webhookEventsFor(action).filter((e) => subscribed.includes(e));
}
