import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  buildTestPayload,
  buildWebhookPayload,
  deliveryHeaders,
  describeResponse,
  describeSendFailure,
  eventsToDeliver,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  retryBounds,
  retryDelayMs,
  signBody,
  slackEscape,
  verifySignature,
  WEBHOOK_EVENTS,
  webhookEventsFor,
  type WebhookSource,
} from "@/lib/domain/webhooks";

describe("which audit events are sent", () => {
  test.each([
    ["plan.start", ["phase.advanced"]],
    ["decision.go", ["phase.advanced", "decision.recorded"]],
    ["decision.no_go", ["decision.recorded"]],
    ["decision.rollback", ["rollback", "decision.recorded"]],
    ["trigger.breached", ["trigger.fired"]],
    ["trigger.stale", []],
    ["trigger.recovered", []],
    ["incident.opened", []],
    ["gate.approved", []],
    ["plan.pause", []],
    ["webhook.tested", []],
  ])("%s → %j", (action, events) => {
    expect(webhookEventsFor(action)).toEqual(events);
  });

  test("a webhook receives one message per change, naming the events it subscribed to", () => {
    expect(eventsToDeliver("decision.rollback", ["decision.recorded"])).toEqual(["decision.recorded"]);
    expect(eventsToDeliver("decision.rollback", WEBHOOK_EVENTS)).toEqual(["rollback", "decision.recorded"]);
    expect(eventsToDeliver("decision.no_go", ["rollback", "phase.advanced"])).toEqual([]);
  });

  test("property: what is delivered is always among the subscribed events", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          "plan.start",
          "decision.go",
          "decision.no_go",
          "decision.rollback",
          "trigger.breached",
          "plan.created",
        ),
        fc.subarray([...WEBHOOK_EVENTS]),
        (action, subscribed) => {
          const events = eventsToDeliver(action, subscribed);
          for (const e of events) expect(subscribed).toContain(e);
          expect(events).toEqual(webhookEventsFor(action).filter((e) => subscribed.includes(e)));
        },
      ),
    );
  });
});

const source = (over: Partial<WebhookSource>): WebhookSource => ({
  auditEventId: 42,
  action: "decision.go",
  actorLabel: "Rina <rina@example.test>",
  at: new Date("2026-03-01T10:00:00Z"),
  project: { id: "p1", name: "Shop & Co" },
  plan: { id: "plan-1", name: "Checkout", releaseVersion: "2.4.0" },
  before: { status: "in_progress", phase: "Internal", traffic: 1 },
  after: { status: "in_progress", phase: "Pilot", traffic: 10, rationale: "KPIs held" },
  ...over,
});

describe("the Slack-compatible body", () => {
  test("a go names both phases and the traffic, with the phasegate object for machines", () => {
    const payload = buildWebhookPayload(["phase.advanced", "decision.recorded"], source({}));
    expect(payload.text).toBe("Go: Checkout 2.4.0 advanced from Internal to Pilot (10% of traffic)\nReason: KPIs held");
    expect(payload.blocks[0]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: "*Go: Checkout 2.4.0 advanced from Internal to Pilot (10% of traffic)*\nReason: KPIs held",
      },
    });
    expect(payload.blocks[1]).toEqual({
      type: "context",
      elements: [
        { type: "mrkdwn", text: "Shop &amp; Co · by Rina &lt;rina@example.test&gt; · 2026-03-01T10:00:00.000Z" },
      ],
    });
    expect(payload.phasegate).toEqual({
      event: "phase.advanced",
      events: ["phase.advanced", "decision.recorded"],
      id: 42,
      action: "decision.go",
      project: { id: "p1", name: "Shop & Co" },
      plan: { id: "plan-1", name: "Checkout", version: "2.4.0" },
      phase: "Pilot",
      fromPhase: "Internal",
      status: "in_progress",
      trafficPercent: 10,
      reason: "KPIs held",
      actor: "Rina <rina@example.test>",
      at: "2026-03-01T10:00:00.000Z",
    });
  });

  test.each([
    [
      "decision.rollback",
      { status: "rolled_back", phase: null, traffic: 0, rationale: "errors up" },
      "Rollback: Checkout 2.4.0 rolled back from Internal; traffic is back on the previous version",
    ],
    [
      "decision.no_go",
      { status: "in_progress", phase: "Internal", traffic: 1, rationale: "wait" },
      "No-go: Checkout 2.4.0 stays in Internal (1% of traffic)",
    ],
    [
      "decision.go",
      { status: "completed", phase: null, traffic: 100, rationale: "done" },
      "Go: Checkout 2.4.0 completed after Internal (100% of traffic)",
    ],
    [
      "plan.start",
      { status: "in_progress", phase: "Internal", traffic: 1 },
      "Checkout 2.4.0 started: Internal is live (1% of traffic)",
    ],
    [
      "trigger.breached",
      { description: "Error rate > 2%", state: "breached", reason: "2.5% for 5 min", phase: "Pilot" },
      "Trigger fired on Checkout 2.4.0 in Pilot: Error rate > 2%",
    ],
  ])("%s reads in words", (action, after, headline) => {
    const payload = buildWebhookPayload(webhookEventsFor(action), source({ action, after }));
    expect(payload.text.split("\n")[0]).toBe(slackEscape(headline));
  });

  test("an override shows its reason; a test event says it is one", () => {
    const payload = buildWebhookPayload(
      ["decision.recorded"],
      source({
        after: {
          status: "in_progress",
          phase: "Pilot",
          traffic: 10,
          rationale: "ship it",
          overrideReason: "latency metric broken",
        },
      }),
    );
    expect(payload.phasegate.reason).toBe("ship it (override: latency metric broken)");
    const test = buildTestPayload({
      auditEventId: 7,
      webhookName: "Slack",
      project: { id: "p", name: "Shop" },
      actorLabel: "Rina",
      at: new Date(0),
    });
    expect(test.phasegate.event).toBe("test");
    expect(test.text).toContain("Slack");
  });

  test("property: whatever people typed, the Slack text has no raw < or > and the body is plain JSON", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, rationale, actor) => {
        const payload = buildWebhookPayload(
          ["decision.recorded"],
          source({
            plan: { id: "x", name, releaseVersion: "1" },
            actorLabel: actor,
            after: { status: "in_progress", phase: "P", traffic: 5, rationale },
          }),
        );
        for (const text of [
          payload.text,
          ...payload.blocks.flatMap((b) => (b.type === "section" ? [b.text.text] : b.elements.map((e) => e.text))),
        ]) {
          expect(text).not.toMatch(/[<>]/);
        }
        expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
      }),
    );
  });
});

describe("the signature", () => {
  test("is the hex HMAC-SHA256 of the timestamp, a dot and the raw body, prefixed sha256=", () => {
    const body = '{"text":"hi"}';
    expect(signBody("s3cret", body, "1700000000")).toBe(
      `sha256=${createHmac("sha256", "s3cret").update(`1700000000.${body}`).digest("hex")}`,
    );
    const sentAt = new Date(1_700_000_000_500);
    const headers = deliveryHeaders("s3cret", body, { event: "rollback", deliveryId: 9, sentAt });
    expect(headers["x-phasegate-timestamp"]).toBe("1700000000");
    expect(headers["x-phasegate-event"]).toBe("rollback");
    expect(
      verifySignature("s3cret", body, headers["x-phasegate-signature"], headers["x-phasegate-timestamp"], {
        now: sentAt,
      }),
    ).toBe(true);
  });

  test("a replay with a new timestamp, or an old one, is refused", () => {
    const body = '{"text":"hi"}';
    const signature = signBody("s3cret", body, "1700000000");
    expect(verifySignature("s3cret", body, signature, "1700000060", { now: new Date(1_700_000_060_000) })).toBe(false);
    expect(
      verifySignature("s3cret", body, signature, "1700000000", { now: new Date(1_700_000_000_000 + 301_000) }),
    ).toBe(false);
    expect(
      verifySignature("s3cret", body, signature, "1700000000", { now: new Date(1_700_000_000_000 + 299_000) }),
    ).toBe(true);
  });

  test("property: verifies with the same secret and body only", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string(),
        (secret, other, body, tamper) => {
          const ts = String(Math.floor(Date.now() / 1000));
          const signature = signBody(secret, body, ts);
          expect(verifySignature(secret, body, signature, ts)).toBe(true);
          if (other !== secret) expect(verifySignature(other, body, signature, ts)).toBe(false);
          if (tamper !== body) expect(verifySignature(secret, tamper, signature, ts)).toBe(false);
          expect(verifySignature(secret, body, null, ts)).toBe(false);
          expect(verifySignature(secret, body, signature.slice(0, -1), ts)).toBe(false);
        },
      ),
    );
  });
});

describe("retries", () => {
  test("10 s, 30 s, 2 min, 10 min, 30 min, then failed", () => {
    expect(RETRY_DELAYS_MS).toEqual([10_000, 30_000, 120_000, 600_000, 1_800_000]);
    expect(MAX_ATTEMPTS).toBe(6);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 0.5))).toEqual([10_000, 30_000, 120_000, 600_000, 1_800_000]);
    expect(retryDelayMs(6, 0.5)).toBeNull();
    expect(retryDelayMs(0, 0.5)).toBeNull();
    expect(retryBounds(1)).toEqual({ min: 8_000, max: 12_000 });
  });

  test("property: each wait lies within its jitter bounds and never shrinks below the previous one's", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_ATTEMPTS - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const delay = retryDelayMs(attempts, random)!;
          const bounds = retryBounds(attempts)!;
          expect(delay).toBeGreaterThanOrEqual(bounds.min);
          expect(delay).toBeLessThanOrEqual(bounds.max);
          if (attempts > 1) expect(bounds.min).toBeGreaterThanOrEqual(retryBounds(attempts - 1)!.max);
        },
      ),
    );
  });

  test("property: at or beyond the last attempt there is no retry", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_ATTEMPTS, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempts, random) => {
          expect(retryDelayMs(attempts, random)).toBeNull();
        },
      ),
    );
  });
});

describe("outcomes in words", () => {
  test("answers and failures name what happened", () => {
    // The receiver's body is a foreign server's text: never part of the words every manager reads.
    expect(describeResponse(500, "Internal Server Error")).toBe("The receiver answered 500 Internal Server Error");
    expect(describeResponse(302, "Found")).toContain("redirect");
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    expect(describeSendFailure(refused, "http://127.0.0.1:9/hook", 5000)).toBe(
      "Connection refused by 127.0.0.1:9: is the receiver running?",
    );
    expect(
      describeSendFailure(
        Object.assign(new Error("timed out"), { name: "TimeoutError" }),
        "https://hooks.example/x",
        5000,
      ),
    ).toBe("No answer from hooks.example within 5 s");
  });
});
