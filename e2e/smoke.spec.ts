import { expect, test } from "@playwright/test";

test("GET /api/health reports ok on the embedded PGlite database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = (await response.json()) as { status?: unknown; db?: unknown };
  expect(body.status).toBe("ok");
  expect(body.db).toBe("pglite");
});
