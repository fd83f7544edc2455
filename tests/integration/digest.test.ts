import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Database, openDatabase } from "@/db/client";
import {
  auditEvents,
  checklistItems,
  checklists,
  digestSchedules,
  incidents,
  phases,
  projects,
  users,
  webhookDeliveries,
} from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import type { DigestPayload } from "@/lib/domain/digest";
import { verifySignature } from "@/lib/domain/webhooks";
import { AppError } from "@/lib/errors";
import { loadDigestView } from "@/lib/queries/digest";
import { loadDigestFacts } from "@/lib/reads/digest";
import type { ServiceContext } from "@/lib/services/context";
import { transitionPlan } from "@/lib/services/decisions";
import { saveDigestSchedule, sendDueDigests } from "@/lib/services/digest";
import { createPlan } from "@/lib/services/plans";
import { createWebhook, runWebhooks } from "@/lib/services/webhooks";
import { allowLoopbackEgress } from "../support/egress";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The weekly digest read for the projects a person may read, and sent on its schedule through
// the project's webhooks: once per week however many instances check at the same moment, and
// once (the latest week only) after the instances were down over several slots.

interface Received {
  body: string;
  payload: DigestPayload;
  verified: boolean;
}

async function startReceiver(secret: () => string) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const verified = verifySignature(
        secret(),
        body,
        req.headers["x-phasegate-signature"] as string | undefined,
        req.headers["x-phasegate-timestamp"] as string | undefined,
        { toleranceSeconds: 365 * 86_400 },
      );
      received.push({ body, payload: JSON.parse(body) as DigestPayload, verified });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/digest`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected ${String(e)}`),
  );

allowLoopbackEgress();

describe.each(backends)("weekly digest on %s", (kind) => {
  let t: TestDatabase;
  /** A second instance: its own connection pool on PostgreSQL (PGlite serves one process). */
  let second: { db: Database; close(): Promise<void> };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = "";
  let rm: UserActor;
  let admin: UserActor;
  let projectId: string;
  let otherProjectId: string;
  let planId: string;
  let hookId: string;
  const db = () => t.handle.db;
  const ctx = (actor: UserActor): ServiceContext => ({ db: db(), actor, requestId: null });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    if (kind === "postgres") {
      const handle = await openDatabase({ databaseUrl: t.url!, maxConnections: 10 });
      second = { db: handle.db, close: () => handle.close() };
    } else second = { db: t.handle.db, close: async () => {} };
    receiver = await startReceiver(() => secret);

    const project = await makeProject(db());
    const other = await makeProject(db());
    projectId = project.id;
    otherProjectId = other.id;
    rm = await makeUser(db(), { projectId, roles: ["release_manager"] });
    admin = await makeUser(db(), { isAdmin: true });
    const otherRm = await makeUser(db(), { projectId: otherProjectId, roles: ["release_manager"] });

    ({ planId } = await createPlan(ctx(rm), {
      projectId,
      template: "canary",
      name: "Payments <!channel> *now*",
      releaseVersion: "2.1.0",
    }));
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    await createPlan(ctx(otherRm), {
      projectId: otherProjectId,
      template: "canary",
      name: "Elsewhere",
      releaseVersion: "1.0.0",
    });

    // What the active phase's gate waits on: an engineer's item and Ann's blocked one.
    const [active] = await db()
      .select({ id: phases.id, name: phases.name })
      .from(phases)
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
    const [list] = await db()
      .select({ id: checklists.id })
      .from(checklists)
      .where(and(eq(checklists.phaseId, active!.id), eq(checklists.kind, "go_no_go")));
    const [ann] = await db()
      .insert(users)
      .values({ email: `ann-${kind}@example.test`, name: "Ann" })
      .returning();
    await db()
      .insert(checklistItems)
      .values([
        {
          checklistId: list!.id,
          key: "load-test",
          text: "Load test",
          required: true,
          assigneeRole: "engineer",
          position: 90,
        },
        {
          checklistId: list!.id,
          key: "dpa",
          text: "DPA signed",
          required: true,
          state: "blocked",
          reason: "Legal is out",
          assigneeUserId: ann!.id,
          position: 91,
        },
      ]);
    await db()
      .insert(incidents)
      .values({
        planId,
        origin: "manual",
        title: "Error spike",
        detectedAt: new Date(Date.now() - 3_600_000),
        decidedAt: new Date(Date.now() - 3_000_000),
      });

    const hook = await createWebhook(ctx(rm), {
      projectId,
      name: "Release channel",
      url: receiver.url,
      events: ["rollback"],
    });
    hookId = hook.id;
    secret = hook.secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await second?.close();
    await t?.drop();
  });

  test("the facts of the projects asked for: moves, blockers on whom, incidents; nothing of other projects", async () => {
    const facts = await loadDigestFacts(db(), [projectId], new Date());
    expect(facts.plans.map((p) => p.plan.name)).toEqual(["Payments <!channel> *now*"]);
    expect(facts.moves).toEqual([expect.objectContaining({ kind: "started", actor: rm.name })]);
    const [blocked] = facts.blocked;
    expect(blocked?.openItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ text: "Load test", state: "open", assigneeRole: "engineer", assigneeName: null }),
        expect.objectContaining({ text: "DPA signed", state: "blocked", reason: "Legal is out", assigneeName: "Ann" }),
      ]),
    );
    expect(facts.incidents.map((i) => i.title)).toEqual(["Error spike"]);
    expect((await loadDigestFacts(db(), [otherProjectId], new Date())).plans.map((p) => p.plan.name)).toEqual([
      "Elsewhere",
    ]);
    expect(await loadDigestFacts(db(), [], new Date())).toEqual({ plans: [], moves: [], blocked: [], incidents: [] });
    expect((await loadDigestFacts(db(), null, new Date())).plans).toHaveLength(2);
  });

  test("the page's digest covers what the person may read; the schedule is for whoever may keep it", async () => {
    const viewer = await makeUser(db(), { projectId, roles: ["viewer"] });
    const portfolio = await loadDigestView(db(), viewer, { projectSlug: null });
    expect(portfolio?.scope).toEqual({ kind: "portfolio" });
    expect(portfolio?.facts.plans.map((p) => p.plan.name)).toEqual(["Payments <!channel> *now*"]);
    expect(portfolio?.scheduling).toBeNull();
    const [other] = await db().select({ slug: projects.slug }).from(projects).where(eq(projects.id, otherProjectId));
    expect(await loadDigestView(db(), viewer, { projectSlug: other!.slug })).toBeNull();
    expect(await loadDigestView(db(), viewer, { projectSlug: "no-such-project" })).toBeNull();

    const [own] = await db().select({ slug: projects.slug }).from(projects).where(eq(projects.id, projectId));
    const page = await loadDigestView(db(), rm, { projectSlug: own!.slug, baseUrl: "https://pg.example.com" });
    expect(page?.markdown).toContain(
      `[Payments \\<!channel\\> \\*now\\* 2.1.0](<https://pg.example.com/plans/${planId}>)`,
    );
    expect(page?.scheduling?.webhooks.map((w) => w.name)).toEqual(["Release channel"]);
    expect((await loadDigestView(db(), rm, { projectSlug: null }))?.scheduling).toBeNull();
    expect((await loadDigestView(db(), admin, { projectSlug: null }))?.facts.plans).toHaveLength(2);
    expect((await loadDigestView(db(), admin, { projectSlug: null }))?.scheduling).not.toBeNull();
  });

  test("a project's digest goes only to its own webhooks; the portfolio's is for administrators", async () => {
    const foreign = await createWebhook(ctx(admin), {
      projectId: otherProjectId,
      name: "Elsewhere",
      url: receiver.url,
      events: ["rollback"],
    });
    const input = {
      projectId,
      weekday: 1,
      hour: 9,
      timeZone: "Europe/Berlin",
      webhookIds: [foreign.id],
      enabled: true,
    };
    expect(await codeOf(saveDigestSchedule(ctx(rm), input))).toBe("bad_request:validation");
    expect(await codeOf(saveDigestSchedule(ctx(rm), { ...input, projectId: null }))).toBe("forbidden:permission");
    expect(await codeOf(saveDigestSchedule(ctx(rm), { ...input, timeZone: "Mars/Olympus" }))).toBe(
      "bad_request:validation",
    );
  });

  test("two instances checking at once send each week once; after missed weeks, only the latest", async () => {
    // Saved on Wednesday 2 Dec: Monday 30 Nov's slot has passed and is not sent.
    const saved = await saveDigestSchedule(
      ctx(rm),
      { projectId, weekday: 1, hour: 9, timeZone: "Europe/Berlin", webhookIds: [hookId], enabled: true },
      new Date("2026-12-02T12:00:00Z"),
    );
    expect(saved.lastSentFor).toBe("2026-W49");
    expect(await sendDueDigests(db(), new Date("2026-12-06T12:00:00Z"))).toEqual([]);

    // Monday 7 Dec, 09:00:30 in Berlin (08:00:30 UTC): both instances, five checks each, at once.
    const slot = new Date("2026-12-07T08:00:30Z");
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => sendDueDigests(i % 2 ? second.db : db(), slot)),
    );
    expect(runs.flat()).toEqual([expect.objectContaining({ period: "2026-W50", deliveries: 1 })]);
    expect(await sendDueDigests(db(), new Date("2026-12-07T09:00:00Z"))).toEqual([]);

    // Nothing checks from 8 Dec until Wednesday 23 Dec: two slots missed, one digest sent.
    const late = new Date("2026-12-23T10:00:00Z");
    const caughtUp = await Promise.all([sendDueDigests(db(), late), sendDueDigests(second.db, late)]);
    expect(caughtUp.flat().map((s) => s.period)).toEqual(["2026-W52"]);

    const sent = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "digest.sent"), eq(auditEvents.projectId, projectId)));
    expect(sent.map((e) => [e.actorKind, (e.after as { period: string }).period])).toEqual([
      ["system", "2026-W50"],
      ["system", "2026-W52"],
    ]);
    const deliveries = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.event, "digest"));
    expect(deliveries).toHaveLength(2);
    const [schedule] = await db().select().from(digestSchedules).where(eq(digestSchedules.projectId, projectId));
    expect(schedule?.lastSentFor).toBe("2026-W52");

    // The dispatcher sends them signed like every delivery: Slack's text, and the Markdown beside it.
    await runWebhooks(db(), late);
    const digests = receiver.received.filter((r) => r.payload.phasegate?.event === "digest");
    expect(digests).toHaveLength(2);
    for (const r of digests) {
      expect(r.verified).toBe(true);
      expect(r.payload.text).toContain("*Weekly digest: ");
      expect(r.payload.text).not.toContain("<!channel>");
      expect(r.payload.text).toContain("Payments &lt;!channel&gt; ∗now∗");
      expect(r.payload.markdown).toContain("Payments \\<!channel\\> \\*now\\*");
      expect(r.payload.markdown).toMatch(/waiting on \*\*engineer \(\d+\), Ann \(1\)\*\*/);
      expect(r.payload.markdown).toContain("go/no-go — DPA signed (Ann): Legal is out");
    }
  });

  test("a switched-off schedule sends nothing; switched on again it waits for its next slot", async () => {
    const base = { projectId, weekday: 1, hour: 9, timeZone: "Europe/Berlin", webhookIds: [hookId] };
    await saveDigestSchedule(ctx(rm), { ...base, enabled: false }, new Date("2026-12-24T12:00:00Z"));
    expect(await sendDueDigests(db(), new Date("2026-12-28T08:05:00Z"))).toEqual([]);
    await saveDigestSchedule(ctx(rm), { ...base, enabled: true }, new Date("2026-12-30T12:00:00Z"));
    expect(await sendDueDigests(db(), new Date("2026-12-30T12:01:00Z"))).toEqual([]);
    expect((await sendDueDigests(db(), new Date("2027-01-04T08:00:00Z"))).map((s) => s.period)).toEqual(["2027-W01"]);
  });

  test("moving a schedule within a week it was sent in does not send that week again", async () => {
    const base = { projectId, hour: 9, timeZone: "Europe/Berlin", webhookIds: [hookId], enabled: true };
    // Sent on Monday 4 Jan 2027 (2027-W01) above; moved to Friday of the same week.
    await saveDigestSchedule(ctx(rm), { ...base, weekday: 5 }, new Date("2027-01-05T12:00:00Z"));
    expect(await sendDueDigests(db(), new Date("2027-01-08T08:30:00Z"))).toEqual([]);
    expect((await sendDueDigests(db(), new Date("2027-01-15T08:30:00Z"))).map((s) => s.period)).toEqual(["2027-W02"]);
  });

  test("the portfolio's digest, scheduled by an administrator, covers every project", async () => {
    await saveDigestSchedule(
      ctx(admin),
      { projectId: null, weekday: 5, hour: 16, timeZone: "UTC", webhookIds: [hookId], enabled: true },
      new Date("2027-01-16T12:00:00Z"),
    );
    const sends = await sendDueDigests(db(), new Date("2027-01-22T16:00:00Z"));
    const send = sends.find((s) => s.projectId === null);
    expect(send).toMatchObject({ projectId: null, period: "2027-W03", deliveries: 1 });
    const [delivery] = await db()
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.event, "digest"),
          sql`${webhookDeliveries.payload} -> 'phasegate' ->> 'scope' = 'portfolio'`,
        ),
      );
    const payload = delivery!.payload as DigestPayload;
    expect(payload.phasegate.scope).toBe("portfolio");
    expect(payload.markdown).toContain("# Weekly digest: portfolio");
  });
});
