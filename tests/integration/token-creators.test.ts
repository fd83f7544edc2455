import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as listPlans } from "@/app/api/v1/plans/route";
import { setProcessDatabase } from "@/db/client";
import { apiTokens, projects } from "@/db/schema";
import { recordTokenUseFromEdges } from "@/lib/background";
import { generateApiToken } from "@/lib/auth/api-token";
import { startEdge } from "@/lib/edge/server";
import { TokenVerifier } from "@/lib/flags/token-verifier";
import { EventHub } from "@/lib/live/hub";
import { addMembership, removeMembership, setUserFlags } from "@/lib/services/admin";
import { listApiTokens } from "@/lib/queries/tokens";
import { createApiToken } from "@/lib/services/tokens";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Finding: a person's API tokens kept working after the person was disabled or removed from the
// project. A token now lives no longer than its maker's right to make it.

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.each(backends)("tokens follow their creator on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
  }, 120_000);
  afterAll(async () => t?.drop());
  const db = () => t.handle.db;

  const apiStatus = async (token: string) => {
    const res = await listPlans(
      new Request("http://test/api/v1/plans", { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({}) },
    );
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  };

  async function world() {
    const project = await makeProject(db());
    const admin = await makeUser(db(), { isAdmin: true });
    const rm = await makeUser(db(), { projectId: project.id, roles: ["release_manager", "engineer"] });
    const { token } = await createApiToken(
      { db: db(), actor: rm, requestId: null },
      { projectId: project.id, name: "deploy", scopes: ["plans:read", "flags:evaluate"] },
    );
    const adminCtx = { db: db(), actor: admin, requestId: null };
    return { project, admin, adminCtx, rm, token };
  }

  test("disabling the person stops their tokens at once, with a message saying why; enabling them again restores them", async () => {
    const { rm, adminCtx, token, project } = await world();
    expect((await apiStatus(token)).status).toBe(200);
    await setUserFlags(adminCtx, { userId: rm.userId, disabled: true });
    const refused = await apiStatus(token);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.message).toBe(
      `The API token stopped working: ${rm.name}, who made it, was disabled. A release manager can make a new one`,
    );
    const [listed] = await listApiTokens(adminCtx.db, adminCtx.actor, project.id);
    expect(listed).toMatchObject({ createdBy: rm.name, creatorStatus: "disabled" });
    await setUserFlags(adminCtx, { userId: rm.userId, disabled: false });
    expect((await apiStatus(token)).status).toBe(200);
  });

  test("losing the release-manager role in the project stops them too; a command-line token is the operator's", async () => {
    const { rm, adminCtx, token, project } = await world();
    await removeMembership(adminCtx, { projectId: project.id, userId: rm.userId, role: "release_manager" });
    expect((await apiStatus(token)).body.error?.message).toMatch(/no longer manages this project's tokens/);
    expect((await listApiTokens(adminCtx.db, adminCtx.actor, project.id))[0]).toMatchObject({
      creatorStatus: "no_longer_manages",
    });
    await addMembership(adminCtx, { projectId: project.id, email: rm.email, role: "release_manager" });
    expect((await apiStatus(token)).status).toBe(200);

    const cli = generateApiToken();
    await db()
      .insert(apiTokens)
      .values({
        projectId: project.id,
        name: "bootstrap",
        prefix: cli.prefix,
        tokenHash: cli.hash,
        scopes: ["plans:read"],
      });
    expect((await apiStatus(cli.token)).status).toBe(200);
    expect(
      (await listApiTokens(adminCtx.db, adminCtx.actor, project.id)).find((r) => r.name === "bootstrap"),
    ).toMatchObject({
      createdBy: null,
      creatorStatus: null,
    });
  });

  test("flag evaluation forgets a held token as soon as its maker is disabled", async () => {
    const { rm, adminCtx, token } = await world();
    const hub = new EventHub(async () => t.handle);
    const verifier = new TokenVerifier(db());
    await verifier.follow((fn) => hub.subscribe("*", fn));
    try {
      expect(await verifier.check(token, "flags:evaluate")).toMatchObject({ ok: true });
      await setUserFlags(adminCtx, { userId: rm.userId, disabled: true });
      await until(async () => !(await verifier.check(token, "flags:evaluate")).ok);
      expect(await verifier.check(token, "flags:evaluate")).toMatchObject({
        ok: false,
        status: 401,
        reason: expect.stringContaining("was disabled"),
      });
    } finally {
      verifier.stop();
      await hub.close();
    }
  });

  test("an edge, which writes nothing, announces a token's use and the app records it", async () => {
    const { token, project } = await world();
    const [row] = await db().select().from(projects).where(eq(projects.id, project.id));
    const hub = new EventHub(async () => t.handle);
    const stopRecording = recordTokenUseFromEdges(hub);
    const edge = await startEdge({ handle: t.handle, port: 0 });
    try {
      await until(async () => hub.listening);
      const res = await fetch(`${edge.url}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(200);
      await until(
        async () =>
          (await db().select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.projectId, row!.id)))[0]
            ?.at != null,
      );
    } finally {
      await edge.close();
      stopRecording();
      await hub.close();
    }
  });
});
