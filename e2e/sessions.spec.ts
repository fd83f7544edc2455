import { type Browser, expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

// Sessions end when they should: a new password or "sign out everywhere" signs a person out on
// every device at its next request. A person of its own is created here, so the demo people keep
// their passwords for the other tests.

const OLD = "first-password-2026";
const NEW = "second-password-2026";
const THIRD = "third-password-2026";

async function signInAs(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible({ timeout: 30_000 });
  return page;
}

async function expectSignedOut(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Phasegate" })).toBeVisible();
}

test("a new password and “sign out everywhere” end every session; an admin can end someone's sessions", async ({
  browser,
  page,
}) => {
  // Seven sign-ins, each a password hash: room for a loaded 2-core machine.
  test.setTimeout(180_000);
  const email = `sessions-${Date.now()}@phasegate.local`;
  await signIn(page, "admin");
  await page.goto("/admin");
  const people = page.locator("#users");
  await people.getByLabel("Name").fill("Sol Session");
  await people.getByLabel("Email").fill(email);
  await people.getByLabel("Initial password").fill(OLD);
  await people.getByRole("button", { name: "Create user" }).click();
  await expect(people.getByText("User created.")).toBeVisible();

  // Signed in on a laptop and a phone.
  const laptop = await signInAs(browser, email, OLD);
  const phone = await signInAs(browser, email, OLD);

  // The account page from the header: a wrong current password is named, nothing changes.
  await laptop.getByTestId("signed-in-as").click();
  await expect(laptop.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(laptop.getByText("You hold no role in any project yet.")).toBeVisible();
  await laptop.getByLabel("Current password").fill("not-my-password");
  await laptop.getByLabel("New password", { exact: true }).fill(NEW);
  await laptop.getByLabel("New password again").fill(NEW);
  await laptop.getByRole("button", { name: "Change password and sign out everywhere" }).click();
  await expect(laptop.getByText("That is not your current password")).toBeVisible();
  await phone.reload();
  await expect(phone.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();

  // The right one: both devices are signed out, the new password works and the old one does not.
  await laptop.getByLabel("Current password").fill(OLD);
  await laptop.getByLabel("New password", { exact: true }).fill(NEW);
  await laptop.getByLabel("New password again").fill(NEW);
  await laptop.getByRole("button", { name: "Change password and sign out everywhere" }).click();
  await expect(laptop.getByText("Your password is changed and every session of yours has ended.")).toBeVisible();
  await expectSignedOut(phone, "/my-work");
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill(OLD);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone.getByText("That email and password do not match an account.")).toBeVisible();
  const phoneAgain = await signInAs(browser, email, NEW);

  // An admin ends them from the admin page.
  await page.reload();
  const row = page.getByTestId("admin-user").filter({ hasText: email });
  await row.getByText("Manage Sol Session").click();
  await row.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(row.getByText("Signed out on every device.")).toBeVisible();
  await expectSignedOut(phoneAgain, "/");

  // An admin's new password ends them too.
  const laptopAgain = await signInAs(browser, email, NEW);
  await row.getByLabel("New password for Sol Session").fill(THIRD);
  await row.getByRole("button", { name: "Set password" }).click();
  await expect(row.getByText("Password set.")).toBeVisible();
  await expectSignedOut(laptopAgain, "/account");

  // And the person ends their own from the account page.
  const last = await signInAs(browser, email, THIRD);
  const other = await signInAs(browser, email, THIRD);
  await last.goto("/account");
  await last.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
  await expect(last.getByText("You are signed out on every device.")).toBeVisible();
  await expectSignedOut(other, "/");

  // The admin, whose sessions nobody ended, is still signed in.
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
});
