import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, people, type Person, signIn } from "./fixtures";

// Who may enter where. The list of routes is read from app/ itself, so a new page or API route
// is covered the moment it exists.

const PUBLIC_PAGES = new Set(["/sign-in", "/setup"]);
// The catch-alls (/api/…, /ofrep/…) answer every unknown path with a JSON 404, signed in or not.
const PUBLIC_ROUTES = [/^\/api\/health$/, /^\/api\/auth\//, /^\/api\/v1\/openapi\.json$/, /^\/api\/x$/, /^\/ofrep\/x$/];
const SAMPLE: Record<string, string> = { planId: "00000000-0000-4000-8000-000000000000", slug: "checkout" };

function routesIn(dir: string, prefix = ""): { path: string; kind: "page" | "route"; methods: string[] }[] {
  const out: { path: string; kind: "page" | "route"; methods: string[] }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const segment = entry.name.startsWith("(")
        ? ""
        : entry.name.startsWith("[...")
          ? "/x"
          : entry.name.startsWith("[")
            ? `/${SAMPLE[entry.name.slice(1, -1)] ?? "x"}`
            : `/${entry.name}`;
      out.push(...routesIn(full, prefix + segment));
    } else if (entry.name === "page.tsx") {
      out.push({ path: prefix || "/", kind: "page", methods: ["GET"] });
    } else if (entry.name === "route.ts") {
      const source = fs.readFileSync(full, "utf8");
      const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) =>
        new RegExp(`export (const|async function|function) ${m}\\b|export const \\{[^}]*\\b${m}\\b`).test(source),
      );
      out.push({ path: prefix, kind: "route", methods });
    }
  }
  return out;
}

const routes = routesIn(path.join(process.cwd(), "app"));

test.describe("anonymous visitors", () => {
  const pages = routes.filter((r) => r.kind === "page" && !PUBLIC_PAGES.has(r.path));
  const apis = routes.filter((r) => r.kind === "route" && !PUBLIC_ROUTES.some((p) => p.test(r.path)));

  test("an unknown API or OFREP path is a JSON 404, never an HTML page", async ({ request }) => {
    for (const route of [
      "/api/v1/nothing-here",
      "/api/v1/plans/%2e%2e/status",
      "/ofrep/v1/evaluate",
      "/ofrep/v1/evaluate/flags/%2e%2e/x",
    ]) {
      const res = await request.post(route, { maxRedirects: 0, data: {} });
      expect(res.status(), route).toBe(404);
      expect(res.headers()["content-type"], route).toContain("application/json");
    }
  });

  test("the route list is not empty (the walk over app/ works)", () => {
    expect(pages.map((p) => p.path)).toEqual(
      expect.arrayContaining(["/", "/admin", "/projects", `/plans/${SAMPLE.planId}`]),
    );
    expect(apis.map((p) => p.path)).toEqual(expect.arrayContaining(["/api/v1/plans"]));
  });

  for (const page of pages) {
    test(`page ${page.path} sends them to sign-in`, async ({ request }) => {
      const res = await request.get(page.path, { maxRedirects: 0 });
      expect(res.status()).toBe(307);
      expect(res.headers().location).toMatch(/\/sign-in(\?callbackUrl=|$)/);
    });
  }

  for (const route of apis) {
    for (const method of route.methods) {
      test(`${method} ${route.path} is refused`, async ({ request }) => {
        const res = await request.fetch(route.path, { method, maxRedirects: 0 });
        if (route.path.startsWith("/api/")) {
          expect(res.status()).toBe(401);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized:auth");
        } else {
          expect([307, 401]).toContain(res.status());
        }
      });
    }
  }
});

test.describe("sign-in", () => {
  test("a wrong password and an unknown email get the same answer", async ({ page }) => {
    for (const email of [people.engineer, "nobody@phasegate.local"]) {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toHaveText(
        "That email and password do not match an account.",
      );
      await expect(page.getByLabel("Email")).toHaveValue(email);
    }
  });

  test("sign-out ends the session", async ({ page }) => {
    await signIn(page, "engineer");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in to Phasegate" })).toBeVisible();
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fprojects/);
  });

  test("after sign-in a person lands where they were going", async ({ page }) => {
    await page.goto("/projects");
    await page.getByLabel("Email").fill(people.viewer);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
  });
});

// What each demo person sees: the controls follow lib/auth/permissions.ts.
const expectations: Record<Person, { admin: boolean; tokens: boolean; members: boolean; audit: boolean }> = {
  admin: { admin: true, tokens: true, members: true, audit: true },
  releaseManager: { admin: false, tokens: true, members: false, audit: true },
  engineer: { admin: false, tokens: false, members: false, audit: false },
  approver: { admin: false, tokens: false, members: false, audit: true },
  engineerApprover: { admin: false, tokens: false, members: false, audit: true },
  viewer: { admin: false, tokens: false, members: false, audit: false },
};

test.describe("each role sees its controls", () => {
  for (const [who, sees] of Object.entries(expectations) as [Person, (typeof expectations)[Person]][]) {
    test(`${who}`, async ({ page }) => {
      await signIn(page, who);
      await expect(page.getByTestId("nav-admin")).toHaveCount(sees.admin ? 1 : 0);
      const admin = await page.goto("/admin");
      expect(admin?.status()).toBe(sees.admin ? 200 : 403);

      await page.goto("/projects/checkout");
      await expect(page.getByRole("heading", { name: "Members and roles" })).toBeVisible();
      await expect(page.getByRole("heading", { name: "API tokens" })).toHaveCount(sees.tokens ? 1 : 0);
      await expect(page.getByRole("button", { name: "Add role" })).toHaveCount(sees.members ? 1 : 0);

      const audit = await page.goto("/projects/checkout/audit");
      expect(audit?.status()).toBe(sees.audit ? 200 : 403);
      if (sees.audit) await expect(page.getByTestId("audit-row").first()).toBeVisible();

      await page.goto("/");
      await page
        .getByRole("link", { name: /One-page checkout/ })
        .first()
        .click();
      await expect(page.getByTestId("plan-audit-link")).toHaveCount(sees.audit ? 1 : 0);
    });
  }
});

test.describe("API tokens", () => {
  test("created in the UI, shown once, work at once, stop at once when revoked", async ({ page, request }) => {
    await signIn(page, "releaseManager");
    await page.goto("/projects/checkout");
    const name = `e2e deploy ${Date.now()}`;
    await page.getByLabel("Token name").fill(name);
    await page.getByRole("checkbox", { name: /plans:read/ }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
    expect(token).toMatch(/^pgt_/);

    const ok = await request.get("/api/v1/plans", { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status()).toBe(200);
    const body = (await ok.json()) as { plans: { project: string }[] };
    expect(body.plans.length).toBeGreaterThan(0);
    expect(new Set(body.plans.map((p) => p.project))).toEqual(new Set(["checkout"]));

    await page.reload();
    await expect(page.getByText(token)).toHaveCount(0);
    const row = page.getByTestId("token-row").filter({ hasText: name });
    await expect(row).toContainText("Active");
    // Tokens expire in 90 days unless someone chooses otherwise.
    await expect(row).toContainText("expires in 3 mo.");
    await row.getByRole("button", { name: `Revoke token ${name}` }).click();
    await expect(page.getByTestId("token-row").filter({ hasText: name })).toContainText("Revoked");

    const revoked = await request.get("/api/v1/plans", { headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status()).toBe(401);
  });
});

test.describe("audit trail", () => {
  test("filters by action and exports CSV", async ({ page }) => {
    await signIn(page, "approver");
    await page.goto("/projects/checkout/audit");
    await page.getByLabel("Action starts with").fill("decision.");
    await page.getByRole("button", { name: "Filter" }).click();
    const rows = page.getByTestId("audit-row");
    await expect(rows.first()).toBeVisible();
    for (const text of await rows.allTextContents()) expect(text).toContain("decision.");

    const download = page.waitForEvent("download");
    await page.getByTestId("audit-export").click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file, "utf8");
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("time,actor_kind,actor,action,entity_type,entity_id,plan,before,after,request_id");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes("decision."))).toBe(true);
  });
});

test.describe("security", () => {
  test("responses carry the security headers", async ({ request }) => {
    const res = await request.get("/sign-in");
    const h = res.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  test("a server action posted from a foreign origin is rejected", async ({ page, request, baseURL }) => {
    await signIn(page, "engineer");
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const html = await (await request.get("/", { headers: { cookie } })).text();
    const field = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
    expect(field, "the sign-out form's action id").toBeTruthy();
    const foreign = await request.post("/", {
      multipart: { [field!]: "" },
      headers: { cookie, origin: "https://evil.example" },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBeGreaterThanOrEqual(400);
    expect(foreign.headers()["set-cookie"] ?? "").not.toContain("session-token");
    const same = await request.post("/", {
      multipart: { [field!]: "" },
      headers: { cookie, origin: baseURL! },
      maxRedirects: 0,
    });
    expect(same.status()).toBe(303);
  });

  test("no secret reaches the browser bundle", async ({ page }) => {
    // Every script the browser loaded, fetched again afterwards: a chunk that loads after its page
    // (the charts) may have been let go by the browser by the time the next page opened.
    const urls = new Set<string>();
    page.on("response", (res) => {
      if (res.url().endsWith(".js")) urls.add(res.url());
    });
    await signIn(page, "admin");
    await page.goto("/admin");
    const scripts = await Promise.all([...urls].map(async (url) => (await page.request.get(url)).text()));
    const all = scripts.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    for (const needle of ["DATABASE_URL", "AUTH_SECRET", "argon2", "postgres://", "OIDC_CLIENT_SECRET"])
      expect(all).not.toContain(needle);
  });
});
