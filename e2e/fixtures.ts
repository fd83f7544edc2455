import { expect, type Page } from "@playwright/test";

// Demo people (see db/seed/demo.ts); every one signs in with the demo password.
export const DEMO_PASSWORD = "rollout-demo-2026";
export const people = {
  admin: "admin@phasegate.local",
  releaseManager: "rina@phasegate.local",
  engineer: "eko@phasegate.local",
  approver: "adi@phasegate.local",
  engineerApprover: "sam@phasegate.local",
  viewer: "vera@phasegate.local",
} as const;

export type Person = keyof typeof people;

/** The session-signing secret of servers a test starts on PostgreSQL (production requires one). */
export const E2E_AUTH_SECRET = "e2e-only-session-secret-0123456789abcdef";

/** Signs in through the real form, as a person would, and waits for the portfolio. */
export async function signIn(page: Page, who: Person, base = "") {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(people[who]);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
}

/** Creates a Checkout project token in the UI, as a release manager would, and returns it (shown once). */
export async function createToken(page: Page, name: string, scopes: string[]): Promise<string> {
  await page.goto("/projects/checkout");
  await page.getByLabel("Token name").fill(`${name} ${Date.now()}`);
  for (const scope of scopes) await page.getByRole("checkbox", { name: new RegExp(scope) }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^pgt_/);
  return token;
}
