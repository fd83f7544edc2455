import { createHmac, timingSafeEqual } from "node:crypto";
import { describeFetchFailure } from "./fetch-failure";
import type { DeliveryEvent, WebhookEvent } from "./webhook-events";

// Outgoing webhooks as pure rules: which audit events count as which webhook events, the
// Slack-compatible body, its signature, and when a failed delivery is tried again.

export * from "./webhook-events";

/** The audit event a delivery is made from, with the names it refers to. */
export interface WebhookSource {
  auditEventId: number;
  action: string;
  actorLabel: string;
  at: Date;
  project: { id: string; name: string };
  plan: { id: string; name: string; releaseVersion: string } | null;
  /** The audit event's before and after snapshots. */
  before: unknown;
  after: unknown;
}

export interface WebhookPayload {
  text: string;
  blocks: SlackBlock[];
  phasegate: {
    /** The first of `events`: what the message is mainly about. */
    event: DeliveryEvent;
    events: DeliveryEvent[];
    /** The audit event id: the same for every retry, so a receiver can drop repeats. */
    id: number;
    action: string;
    project: { id: string; name: string };
    plan: { id: string; name: string; version: string } | null;
    phase: string | null;
    fromPhase: string | null;
    status: string | null;
    trafficPercent: number | null;
    reason: string | null;
    actor: string;
    at: string;
  };
}

export type SlackBlock =
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] };

/** Slack reads &, < and > as markup in mrkdwn; everything people typed is escaped. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const str = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The Slack-compatible body for an audit event; `events` are the ones this webhook receives. */
export function buildWebhookPayload(events: readonly WebhookEvent[], source: WebhookSource): WebhookPayload {
  const before = record(source.before);
  const after = record(source.after);
  const event = events[0] ?? "decision.recorded";
  const planLabel = source.plan ? `${source.plan.name} ${source.plan.releaseVersion}` : "A plan";
  const fromPhase = str(before.phase);
  const toPhase = str(after.phase);
  const traffic = num(after.traffic);
  const status = str(after.status);
  const isTrigger = source.action === "trigger.breached";
  const reason = isTrigger
    ? str(after.reason)
    : str(after.overrideReason)
      ? `${str(after.rationale) ?? ""} (override: ${str(after.overrideReason)})`.trim()
      : str(after.rationale);
  const phase = isTrigger ? str(after.phase) : (toPhase ?? fromPhase);

  const headline = headlineFor(source.action, {
    planLabel,
    fromPhase,
    toPhase,
    traffic,
    status,
    trigger: str(after.description),
  });
  const lines = [headline, ...(reason ? [`Reason: ${reason}`] : [])];
  const context = [source.project.name, `by ${source.actorLabel}`, source.at.toISOString()];
  return {
    text: slackEscape(lines.join("\n")),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: lines
            .map(slackEscape)
            .map((line, i) => (i === 0 ? `*${line}*` : line))
            .join("\n"),
        },
      },
      { type: "context", elements: [{ type: "mrkdwn", text: context.map(slackEscape).join(" · ") }] },
    ],
    phasegate: {
      event,
      events: [...events],
      id: source.auditEventId,
      action: source.action,
      project: source.project,
      plan: source.plan ? { id: source.plan.id, name: source.plan.name, version: source.plan.releaseVersion } : null,
      phase,
      fromPhase,
      status,
      trafficPercent: traffic,
      reason,
      actor: source.actorLabel,
      at: source.at.toISOString(),
    },
  };
}

const pct = (traffic: number | null) =>
  traffic === null ? "" : ` (${Number.isInteger(traffic) ? traffic : traffic.toFixed(1)}% of traffic)`;

function headlineFor(
  action: string,
  f: {
    planLabel: string;
    fromPhase: string | null;
    toPhase: string | null;
    traffic: number | null;
    status: string | null;
    trigger: string | null;
  },
): string {
  switch (action) {
    case "plan.start":
      return `${f.planLabel} started: ${f.toPhase ?? "the first phase"} is live${pct(f.traffic)}`;
    case "decision.go":
      return f.status === "completed"
        ? `Go: ${f.planLabel} completed after ${f.fromPhase ?? "its last phase"}${pct(f.traffic)}`
        : `Go: ${f.planLabel} advanced from ${f.fromPhase ?? "its phase"} to ${f.toPhase ?? "the next phase"}${pct(f.traffic)}`;
    case "decision.no_go":
      return `No-go: ${f.planLabel} stays in ${f.fromPhase ?? "its phase"}${pct(f.traffic)}`;
    case "decision.rollback":
      return `Rollback: ${f.planLabel} rolled back from ${f.fromPhase ?? "its phase"}; traffic is back on the previous version`;
    case "trigger.breached":
      return `Trigger fired on ${f.planLabel}${f.toPhase ? ` in ${f.toPhase}` : ""}: ${f.trigger ?? "a rollback trigger"}`;
    default:
      return `${f.planLabel}: ${action}`;
  }
}

/** The body sent by "send a test event", so a receiver can be checked before anything happens. */
export function buildTestPayload(source: {
  auditEventId: number;
  webhookName: string;
  project: { id: string; name: string };
  actorLabel: string;
  at: Date;
}): WebhookPayload {
  const text = `Test from Phasegate: webhook “${source.webhookName}” of ${source.project.name} is set up`;
  return {
    text: slackEscape(text),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${slackEscape(text)}*` } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: [source.project.name, `by ${source.actorLabel}`, source.at.toISOString()]
              .map(slackEscape)
              .join(" · "),
          },
        ],
      },
    ],
    phasegate: {
      event: "test",
      events: ["test"],
      id: source.auditEventId,
      action: "webhook.tested",
      project: source.project,
      plan: null,
      phase: null,
      fromPhase: null,
      status: null,
      trafficPercent: null,
      reason: null,
      actor: source.actorLabel,
      at: source.at.toISOString(),
    },
  };
}

// ---- Signature ----------------------------------------------------------------------------
//
// Each request carries
//   X-Phasegate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw request body>", keyed with the secret>
//   X-Phasegate-Timestamp: <Unix seconds when this attempt was sent>
// To verify: read the body as bytes before parsing it, compute the HMAC of the timestamp, a dot and
// the body with the webhook's secret, compare in constant time, and refuse a timestamp more than a
// few minutes from your clock (verifySignature below does exactly that). The body's
// `phasegate.id` stays the same across retries: keep the ids seen to ignore a repeat.

export const SIGNATURE_HEADER = "x-phasegate-signature";
export const TIMESTAMP_HEADER = "x-phasegate-timestamp";
export const EVENT_HEADER = "x-phasegate-event";
export const DELIVERY_HEADER = "x-phasegate-delivery";

/** The signature over "<timestamp>.<body>": a captured delivery cannot be replayed with a new time. */
export function signBody(secret: string, body: string, timestamp: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

/**
 * What a receiver does: recompute over "<X-Phasegate-Timestamp>.<raw body>", compare in constant
 * time, and refuse a timestamp further than `toleranceSeconds` from its own clock.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  timestamp: string | null | undefined,
  { now = new Date(), toleranceSeconds = 300 }: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!header || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, body, timestamp), "utf8");
  const given = Buffer.from(header.trim(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function deliveryHeaders(
  secret: string,
  body: string,
  meta: { event: string; deliveryId: number; sentAt: Date },
): Record<string, string> {
  const timestamp = String(Math.floor(meta.sentAt.getTime() / 1000));
  return {
    "content-type": "application/json",
    "user-agent": "Phasegate-Webhooks/1",
    [SIGNATURE_HEADER]: signBody(secret, body, timestamp),
    [TIMESTAMP_HEADER]: timestamp,
    [EVENT_HEADER]: meta.event,
    [DELIVERY_HEADER]: String(meta.deliveryId),
  };
}

// ---- Retries ------------------------------------------------------------------------------

/** Waits after the 1st, 2nd… failed attempt; after the last one the delivery is failed. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000] as const;
/** The first try and one retry per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Each wait is stretched or shrunk by up to this share, so failed receivers are not hit in step. */
export const RETRY_JITTER = 0.2;

/**
 * When to try again after `attempts` attempts have failed, or null when the delivery has failed
 * for good. `random` in [0, 1) picks the point within the jitter bounds.
 */
export function retryDelayMs(attempts: number, random: number): number | null {
  if (attempts < 1 || attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1]!;
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * r));
}

export function retryBounds(attempts: number): { min: number; max: number } | null {
  if (attempts < 1 || attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1]!;
  return { min: Math.round(base * (1 - RETRY_JITTER)), max: Math.round(base * (1 + RETRY_JITTER)) };
}

// ---- Outcomes in words --------------------------------------------------------------------

/** Attempts whose answer is 2xx count as delivered; a redirect is not followed and counts as failed. */
export const isDelivered = (status: number) => status >= 200 && status < 300;

/** The receiver's answer in words: status only, never its body (that is a foreign service's text). */
export function describeResponse(status: number, statusText: string): string {
  const base = `The receiver answered ${status}${statusText ? ` ${statusText}` : ""}`;
  if (status >= 300 && status < 400) return `${base} (a redirect; webhooks are not redirected: use the final URL)`;
  return base;
}

export function describeSendFailure(error: unknown, url: string, timeoutMs: number): string {
  let where = url;
  try {
    where = new URL(url).host;
  } catch {
    // the stored URL was valid when saved; show it as is
  }
  return describeFetchFailure(error, where, timeoutMs, "is the receiver running?");
}
