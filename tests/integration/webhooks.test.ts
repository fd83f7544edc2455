import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { auditEvents, commsEntries, gates, phases, webhookDeliveries, webhooks } from "@/db/schema";
import type { SystemActor, UserActor } from "@/lib/auth/actor";
import { commsDataFor, commsFactsOf, renderTemplate } from "@/lib/domain/comms";
import { MAX_ATTEMPTS, retryBounds, verifySignature, type WebhookPayload } from "@/lib/domain/webhooks";
import { AppError } from "@/lib/errors";
import { loadPlanView } from "@/lib/queries/plan";
import { listWebhooks } from "@/lib/queries/webhooks";
import { writeAudit } from "@/lib/services/audit";
import { addCommsEntry, moveCommsEntry, removeCommsEntry, updateCommsEntry } from "@/lib/services/comms";
import type { ServiceContext } from "@/lib/services/context";
import { recordDecision, transitionPlan } from "@/lib/services/decisions";
import { addPhase } from "@/lib/services/plans";
import {
  createWebhook,
  deleteWebhook,
  retryDelivery,
  rotateWebhookSecret,
  runWebhooks,
  sendTestEvent,
  updateWebhook,
} from "@/lib/services/webhooks";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { allowLoopbackEgress } from "../support/egress";

// A receiver like a team's Slack bridge would run: it checks each request's signature with the
// webhook's secret and answers 401 when it does not verify; a route can be told to fail first.
interface Route {
  secret: string;
  /** Answer 500 to this many requests before answering 200 (Infinity: always). */
  failFirst: number;
}

interface Received {
  route: string;
  body: string;
  payload: WebhookPayload;
  headers: Record<string, string | string[] | undefined>;
  verified: boolean;
  status: number;
}

interface Receiver {
  url: (route: string) => string;
  routes: Map<string, Route>;
  received: Received[];
  on(route: string): Received[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const routes = new Map<string, Route>();
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const route = (req.url ?? "/").slice(1);
      const config = routes.get(route);
      const body = Buffer.concat(chunks).toString("utf8");
      const verified =
        !!config &&
        verifySignature(
          config.secret,
          body,
          req.headers["x-phasegate-signature"] as string | undefined,
          req.headers["x-phasegate-timestamp"] as string | undefined,
          { toleranceSeconds: 365 * 86_400 },
        );
      let status = 404;
      if (config && !verified) status = 401;
      else if (config && config.failFirst > 0) {
        config.failFirst -= 1;
        status = 500;
      } else if (config) status = 200;
      received.push({
        route,
        body,
        payload: JSON.parse(body) as WebhookPayload,
        headers: req.headers,
        verified,
        status,
      });
      res
        .writeHead(status, { "content-type": "text/plain" })
        .end(status === 200 ? "ok" : status === 500 ? "receiver failing on purpose" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (route) => `${base}/${route}`,
    routes,
    received,
    // Deliveries are sent a few at a time, so they may arrive in any order: read them in event order.
    on: (route) =>
      received.filter((r) => r.route === route).sort((a, b) => a.payload.phasegate.id - b.payload.phasegate.id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SYSTEM: SystemActor = { kind: "system" };
const MINUTE = 60_000;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected ${String(e)}`),
  );

allowLoopbackEgress();

describe.each(backends)("outgoing webhooks and the communication plan on %s", (kind) => {
  let t: TestDatabase;
  let receiver: Receiver;
  let routeCounter = 0;
  const db = () => t.handle.db;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.drop();
  });

  /** A project with a running two-phase plan whose gates need no approval, and a webhook to a fresh route. */
  async function setup(opts: { events?: string[]; failFirst?: number; enabled?: boolean; start?: boolean } = {}) {
    const fixture = await planWithTokens(db(), "blank", `Checkout ${++routeCounter}`, {});
    const { ctx, planId } = fixture;
    await addPhase(ctx, {
      planId,
      version: 1,
      name: "GA",
      audience: "Everyone",
      trafficPercent: 100,
      requiredApprovals: 0,
    });
    const planPhases = await db().select({ id: phases.id }).from(phases).where(eq(phases.planId, planId));
    await db()
      .update(gates)
      .set({ requiredApprovals: 0 })
      .where(
        inArray(
          gates.phaseId,
          planPhases.map((p) => p.id),
        ),
      );
    const route = `hook-${kind}-${routeCounter}`;
    const hook = await createWebhook(ctx, {
      projectId: fixture.projectId,
      name: "Release channel",
      url: receiver.url(route),
      events: opts.events ?? ["phase.advanced", "decision.recorded", "trigger.fired", "rollback"],
      enabled: opts.enabled ?? true,
    });
    receiver.routes.set(route, { secret: hook.secret, failFirst: opts.failFirst ?? 0 });
    let version = 2;
    if (opts.start !== false) {
      version = (await transitionPlan(ctx, { planId, version, action: "start" })).version;
    }
    return { ...fixture, hook, route, version };
  }

  const deliveriesOf = (webhookId: string) =>
    db()
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.webhookId, webhookId))
      .orderBy(asc(webhookDeliveries.id));

  test("a rollback becomes one signed, Slack-compatible message that counts as rollback and decision recorded", async () => {
    const { ctx, planId, hook, route, version } = await setup();
    await recordDecision(ctx, { planId, version, kind: "rollback", rationale: "Checkout errors above 2% <at> peak" });
    const run = await runWebhooks(db());
    expect(run).toMatchObject({ collected: 2, delivered: 2, failed: 0, retrying: 0 });

    const got = receiver.on(route);
    expect(got.map((r) => r.payload.phasegate.action)).toEqual(["plan.start", "decision.rollback"]);
    expect(got.every((r) => r.verified && r.status === 200)).toBe(true);
    const rollback = got[1]!;
    expect(rollback.payload.phasegate).toMatchObject({
      event: "rollback",
      events: ["rollback", "decision.recorded"],
      plan: { id: planId, version: "1.0.0" },
      phase: "Rollout",
      fromPhase: "Rollout",
      status: "rolled_back",
      trafficPercent: 0,
      reason: "Checkout errors above 2% <at> peak",
    });
    expect(rollback.payload.text).toMatch(/^Rollback: Checkout \d+ 1\.0\.0 rolled back from Rollout/);
    expect(rollback.payload.text).toContain("&lt;at&gt;");
    expect(rollback.payload.blocks.map((b) => b.type)).toEqual(["section", "context"]);
    expect(rollback.headers["x-phasegate-event"]).toBe("rollback");
    expect(rollback.headers["content-type"]).toBe("application/json");
    expect(Number(rollback.headers["x-phasegate-timestamp"])).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(got[0]!.payload.phasegate).toMatchObject({
      event: "phase.advanced",
      events: ["phase.advanced"],
      phase: "Rollout",
      trafficPercent: 100,
    });

    const rows = await deliveriesOf(hook.id);
    expect(rows.map((r) => [r.event, r.status, r.attempts, r.lastStatusCode])).toEqual([
      ["phase.advanced", "delivered", 1, 200],
      ["rollback", "delivered", 1, 200],
    ]);

    // Run again: nothing new, nothing sent twice.
    expect(await runWebhooks(db())).toMatchObject({ collected: 0, delivered: 0 });
    expect(receiver.on(route)).toHaveLength(2);
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("each webhook receives only the events it subscribed to: go, no-go and a trigger firing", async () => {
    const { ctx, planId, projectId, hook, route } = await setup({ events: ["phase.advanced"], start: false });
    const decisionsRoute = `${route}-decisions`;
    const triggersRoute = `${route}-triggers`;
    const decisionsHook = await createWebhook(ctx, {
      projectId,
      name: "Decisions",
      url: receiver.url(decisionsRoute),
      events: ["decision.recorded"],
    });
    const triggersHook = await createWebhook(ctx, {
      projectId,
      name: "Triggers",
      url: receiver.url(triggersRoute),
      events: ["trigger.fired"],
    });
    receiver.routes.set(decisionsRoute, { secret: decisionsHook.secret, failFirst: 0 });
    receiver.routes.set(triggersRoute, { secret: triggersHook.secret, failFirst: 0 });

    let { version } = await transitionPlan(ctx, { planId, version: 2, action: "start" });
    ({ version } = await recordDecision(ctx, {
      planId,
      version,
      kind: "no_go",
      rationale: "Wait for the morning peak",
    }));
    await db().transaction((tx) =>
      writeAudit(
        tx,
        SYSTEM,
        {
          action: "trigger.breached",
          entityType: "rollback_trigger",
          entityId: "t1",
          projectId,
          planId,
          before: { state: "ok" },
          after: {
            description: "Error rate above 2% for 5 min",
            state: "breached",
            reason: "2.4% over 5 min",
            phase: "Rollout",
            action: "alert_only",
          },
        },
        null,
      ),
    );
    ({ version } = await recordDecision(ctx, { planId, version, kind: "go", rationale: "Peak held" }));
    await recordDecision(ctx, { planId, version, kind: "go", rationale: "GA is fine" });
    await runWebhooks(db());

    expect(receiver.on(route).map((r) => r.payload.text)).toEqual([
      expect.stringMatching(/started: Rollout is live \(100% of traffic\)$/),
      expect.stringMatching(/^Go: .* advanced from Rollout to GA \(100% of traffic\)\nReason: Peak held$/),
      expect.stringMatching(/^Go: .* completed after GA/),
    ]);
    expect(
      receiver
        .on(decisionsRoute)
        .map((r) => [r.payload.phasegate.action, r.payload.phasegate.event, r.payload.phasegate.events]),
    ).toEqual([
      ["decision.no_go", "decision.recorded", ["decision.recorded"]],
      ["decision.go", "decision.recorded", ["decision.recorded"]],
      ["decision.go", "decision.recorded", ["decision.recorded"]],
    ]);
    expect(receiver.on(triggersRoute).map((r) => [r.payload.phasegate.event, r.payload.phasegate.reason])).toEqual([
      ["trigger.fired", "2.4% over 5 min"],
    ]);
    for (const id of [hook.id, decisionsHook.id, triggersHook.id]) await deleteWebhook(ctx, { webhookId: id });
  });

  test("a failing receiver is retried with backoff until it answers, and the log says what happened", async () => {
    const { ctx, hook, route } = await setup({ failFirst: 2 });
    const t0 = new Date();
    await runWebhooks(db(), t0);
    let [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, deliveredAt: null });
    expect(row!.lastError).toBe("The receiver answered 500 Internal Server Error");
    expect(row!.lastResponseExcerpt).toBe("receiver failing on purpose");
    const first = retryBounds(1)!;
    expect(row!.nextAttemptAt.getTime() - t0.getTime()).toBeGreaterThanOrEqual(first.min);
    expect(row!.nextAttemptAt.getTime() - t0.getTime()).toBeLessThanOrEqual(first.max);

    // Not due yet: nothing is sent.
    await runWebhooks(db(), new Date(t0.getTime() + first.min - 1000));
    expect(receiver.on(route)).toHaveLength(1);

    const t1 = new Date(t0.getTime() + first.max);
    await runWebhooks(db(), t1);
    [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 500 });
    const second = retryBounds(2)!;
    expect(row!.nextAttemptAt.getTime() - t1.getTime()).toBeGreaterThanOrEqual(second.min);
    expect(row!.nextAttemptAt.getTime() - t1.getTime()).toBeLessThanOrEqual(second.max);

    const t2 = new Date(t1.getTime() + second.max);
    await runWebhooks(db(), t2);
    [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200, lastError: null });
    expect(row!.deliveredAt?.getTime()).toBe(t2.getTime());
    expect(receiver.on(route).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.on(route).map((r) => r.payload.phasegate.id)).size).toBe(1);

    const log = await listWebhooks(ctx.db, ctx.actor, hook.projectId);
    expect(log.deliveries[0]).toMatchObject({
      webhookName: "Release channel",
      event: "phase.advanced",
      status: "delivered",
      attempts: 3,
      planName: expect.stringMatching(/^Checkout/),
    });
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("a receiver that always fails ends failed after the last attempt; retry now sends it once more", async () => {
    const { ctx, hook, route } = await setup({ failFirst: Infinity });
    let now = new Date();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await runWebhooks(db(), now);
      const [row] = await deliveriesOf(hook.id);
      expect(row!.attempts).toBe(attempt);
      expect(row!.status).toBe(attempt < MAX_ATTEMPTS ? "pending" : "failed");
      now = new Date(now.getTime() + (retryBounds(attempt)?.max ?? 0));
    }
    await runWebhooks(db(), new Date(now.getTime() + 60 * MINUTE));
    expect(receiver.on(route)).toHaveLength(MAX_ATTEMPTS);

    const [failed] = await deliveriesOf(hook.id);
    const engineer = await makeUser(db(), { projectId: hook.projectId, roles: ["engineer"] });
    expect(await codeOf(retryDelivery({ ...ctx, actor: engineer }, { deliveryId: failed!.id }))).toBe(
      "forbidden:permission",
    );

    receiver.routes.get(route)!.failFirst = 0;
    const outcome = await retryDelivery(ctx, { deliveryId: String(failed!.id) });
    expect(outcome).toMatchObject({ status: "delivered", attempts: MAX_ATTEMPTS + 1, statusCode: 200 });
    expect(await codeOf(retryDelivery(ctx, { deliveryId: failed!.id }))).toBe("conflict:state");
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "webhook_delivery.retried"), eq(auditEvents.entityId, String(failed!.id))));
    expect(audit).toHaveLength(1);
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("two instances running the dispatcher at once deliver each event once", async () => {
    const { ctx, planId, hook, route, version: started } = await setup();
    let version = started;
    for (let i = 0; i < 12; i++)
      version = (await recordDecision(ctx, { planId, version, kind: "no_go", rationale: `Hold ${i}` })).version;
    // On PostgreSQL a second pool stands in for a second app process.
    const other: DbHandle | null =
      kind === "postgres" ? await openDatabase({ databaseUrl: t.url!, maxConnections: 5 }) : null;
    try {
      const runs = await Promise.all([
        runWebhooks(db()),
        runWebhooks((other ?? t.handle).db),
        runWebhooks(db()),
        runWebhooks((other ?? t.handle).db),
      ]);
      expect(runs.reduce((n, r) => n + r.collected, 0)).toBe(13);
      expect(runs.reduce((n, r) => n + r.delivered, 0)).toBe(13);
    } finally {
      await other?.close();
    }
    const ids = receiver.on(route).map((r) => r.payload.phasegate.id);
    expect(ids).toHaveLength(13);
    expect(new Set(ids).size).toBe(13);
    expect((await deliveriesOf(hook.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("a disabled webhook gets nothing; switched on again it starts from then", async () => {
    const { ctx, planId, hook, route, version } = await setup({ enabled: false });
    const next = await recordDecision(ctx, { planId, version, kind: "no_go", rationale: "Not yet" });
    await runWebhooks(db());
    expect(await deliveriesOf(hook.id)).toEqual([]);
    expect(receiver.on(route)).toEqual([]);
    expect(await codeOf(sendTestEvent(ctx, { webhookId: hook.id }))).toBe("conflict:state");

    await updateWebhook(ctx, { webhookId: hook.id, enabled: true });
    await runWebhooks(db());
    expect(receiver.on(route)).toEqual([]);
    await recordDecision(ctx, { planId, version: next.version, kind: "no_go", rationale: "Still not" });
    await runWebhooks(db());
    expect(receiver.on(route).map((r) => r.payload.phasegate.reason)).toEqual(["Still not"]);
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("a test event is signed with the current secret; rotating the secret changes it at once", async () => {
    const { ctx, hook, route } = await setup({ start: false });
    const outcome = await sendTestEvent(ctx, { webhookId: hook.id });
    expect(outcome).toMatchObject({ event: "test", status: "delivered", statusCode: 200 });
    expect(receiver.on(route).map((r) => [r.payload.phasegate.event, r.verified])).toEqual([["test", true]]);

    const rotated = await rotateWebhookSecret(ctx, { webhookId: hook.id });
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // The receiver still holds the old secret: the next test is refused until it learns the new one.
    expect(await sendTestEvent(ctx, { webhookId: hook.id })).toMatchObject({ status: "pending", statusCode: 401 });
    receiver.routes.get(route)!.secret = rotated.secret;
    expect(await sendTestEvent(ctx, { webhookId: hook.id })).toMatchObject({ status: "delivered" });

    const trail = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, hook.id))
      .orderBy(asc(auditEvents.id));
    expect(trail.map((a) => a.action)).toEqual([
      "webhook.created",
      "webhook.tested",
      "webhook.secret_rotated",
      "webhook.tested",
      "webhook.tested",
    ]);
    const written = JSON.stringify(trail);
    expect(written).not.toContain(hook.secret);
    expect(written).not.toContain(rotated.secret);
    expect(written).not.toContain(route); // the URL's path can be a credential (Slack's are)
    await deleteWebhook(ctx, { webhookId: hook.id });
  });

  test("webhooks are managed by release managers, with field-named errors", async () => {
    const { ctx, projectId, hook } = await setup({ start: false });
    const engineer = await makeUser(db(), { projectId, roles: ["engineer"] });
    const approver = await makeUser(db(), { projectId, roles: ["approver"] });
    const as = (actor: UserActor): ServiceContext => ({ ...ctx, actor });
    expect(
      await codeOf(
        createWebhook(as(engineer), { projectId, name: "Mine", url: "https://example.test/h", events: ["rollback"] }),
      ),
    ).toBe("forbidden:permission");
    expect(await codeOf(listWebhooks(ctx.db, approver, projectId))).toBe("forbidden:permission");
    expect(await codeOf(rotateWebhookSecret(as(approver), { webhookId: hook.id }))).toBe("forbidden:permission");
    expect(await codeOf(deleteWebhook(as(engineer), { webhookId: hook.id }))).toBe("forbidden:permission");

    const refused = await createWebhook(ctx, {
      projectId,
      name: "Release channel",
      url: "https://user:pw@example.test/h",
      events: [],
    }).catch((e: unknown) => e as AppError);
    expect(refused).toBeInstanceOf(AppError);
    expect(Object.keys((refused as AppError).fieldErrors ?? {}).sort()).toEqual(["events", "url"]);
    expect(
      (
        await createWebhook(ctx, { projectId, name: "x", url: "ftp://example.test", events: ["rollback"] }).catch(
          (e: AppError) => e.fieldErrors,
        )
      )?.url,
    ).toEqual(["Use an http:// or https:// URL"]);
    expect(
      (
        await createWebhook(ctx, {
          projectId,
          name: "Release channel",
          url: "https://example.test/h",
          events: ["rollback"],
        }).catch((e: AppError) => e.fieldErrors)
      )?.name,
    ).toEqual(["Another webhook in this project is called “Release channel”"]);

    const updated = await updateWebhook(ctx, {
      webhookId: hook.id,
      name: "Incidents",
      events: ["rollback", "trigger.fired"],
    });
    expect(updated).toMatchObject({ name: "Incidents", events: ["trigger.fired", "rollback"] });
    const listed = await listWebhooks(ctx.db, ctx.actor, projectId);
    expect(listed.webhooks.map((w) => [w.name, w.secret])).toEqual([["Incidents", hook.secret]]);
    await deleteWebhook(ctx, { webhookId: hook.id });
    expect(await db().select().from(webhooks).where(eq(webhooks.id, hook.id))).toEqual([]);
    const actions = (
      await db()
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.entityId, hook.id))
        .orderBy(asc(auditEvents.id))
    ).map((a) => a.action);
    expect(actions).toEqual(["webhook.created", "webhook.updated", "webhook.deleted"]);
  });

  test("the communication plan: release managers add, edit, move and remove entries, audited; finished plans refuse", async () => {
    const { ctx, planId, projectId, hook, version } = await setup({ start: true });
    await deleteWebhook(ctx, { webhookId: hook.id });
    const engineer = await makeUser(db(), { projectId, roles: ["engineer"] });
    const entry = {
      planId,
      event: "Phase advanced",
      timing: "At each go",
      channel: "#releases",
      audience: "Engineering",
      template: "{plan} {version} is in {phase} ({traffic}%). Next: {next_phase}. {team}",
    };
    expect(await codeOf(addCommsEntry({ ...ctx, actor: engineer }, entry))).toBe("forbidden:permission");
    const refused = await addCommsEntry(ctx, { planId, event: "", channel: "", audience: "x", template: "" }).catch(
      (e: unknown) => e as AppError,
    );
    expect(Object.keys((refused as AppError).fieldErrors ?? {}).sort()).toEqual(["channel", "event", "template"]);

    const first = await addCommsEntry(ctx, entry);
    expect(first.unknownPlaceholders).toEqual(["team"]);
    const second = await addCommsEntry(ctx, {
      ...entry,
      event: "Rollback",
      channel: "#incidents",
      template: "{plan} rolled back from {phase}: {reason}",
    });
    await updateCommsEntry(ctx, {
      entryId: first.entry.id,
      event: "Phase advanced",
      timing: "At each go",
      channel: "#releases",
      audience: "Engineering, support",
      template: "{plan} {version} is in {phase} ({traffic}%). Next: {next_phase}.",
    });
    expect(await codeOf(moveCommsEntry(ctx, { entryId: first.entry.id, direction: "up" }))).toBe("conflict:state");
    await moveCommsEntry(ctx, { entryId: second.entry.id, direction: "up" });
    const order = async () =>
      (
        await db()
          .select({ event: commsEntries.event, position: commsEntries.position })
          .from(commsEntries)
          .where(eq(commsEntries.planId, planId))
          .orderBy(asc(commsEntries.position))
      ).map((e) => `${e.position}:${e.event}`);
    expect(await order()).toEqual(["0:Rollback", "1:Phase advanced"]);

    // Rendered with the plan's live data, as the plan page shows it.
    const view = await loadPlanView(db(), planId);
    const values = commsDataFor(commsFactsOf(view!.plan));
    const rendered = view!.plan.commsEntries.map((e) => renderTemplate(e.template, values));
    expect(rendered.map((r) => r.text)).toEqual([
      expect.stringMatching(/^Checkout \d+ rolled back from Rollout: \{reason\}$/),
      expect.stringMatching(/^Checkout \d+ 1\.0\.0 is in Rollout \(100%\)\. Next: GA\.$/),
    ]);
    expect(rendered[0]!.missing).toEqual(["reason"]);

    await recordDecision(ctx, { planId, version, kind: "rollback", rationale: "Payment errors" });
    const after = await loadPlanView(db(), planId);
    expect(renderTemplate(after!.plan.commsEntries[0]!.template, commsDataFor(commsFactsOf(after!.plan))).text).toMatch(
      /rolled back from Rollout: Payment errors$/,
    );

    // The plan is finished: its communication plan is history.
    expect(await codeOf(removeCommsEntry(ctx, { entryId: first.entry.id }))).toBe("conflict:state");
    expect(await codeOf(addCommsEntry(ctx, entry))).toBe("conflict:state");
    const trail = await db()
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.planId, planId), inArray(auditEvents.entityType, ["comms_entry"])))
      .orderBy(asc(auditEvents.id));
    expect(trail.map((a) => a.action)).toEqual([
      "comms_entry.added",
      "comms_entry.added",
      "comms_entry.updated",
      "comms_entry.moved",
    ]);
  });

  test("removing an entry closes the gap in the order", async () => {
    const { ctx, planId, hook } = await setup({ start: false });
    await deleteWebhook(ctx, { webhookId: hook.id });
    const made = [];
    for (const event of ["A", "B", "C"])
      made.push(
        (await addCommsEntry(ctx, { planId, event, channel: "#c", audience: "All", template: "{plan}" })).entry,
      );
    await removeCommsEntry(ctx, { entryId: made[1]!.id });
    const rows = await db()
      .select({ event: commsEntries.event, position: commsEntries.position })
      .from(commsEntries)
      .where(eq(commsEntries.planId, planId))
      .orderBy(asc(commsEntries.position));
    expect(rows).toEqual([
      { event: "A", position: 0 },
      { event: "C", position: 1 },
    ]);
    const removed = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "comms_entry.removed"), eq(auditEvents.entityId, made[1]!.id)));
    expect(removed[0]?.before).toMatchObject({ event: "B", template: "{plan}" });
  });
});
