import AxeBuilder from "@axe-core/playwright";
import axeCore from "axe-core";
import { expect, test, type Page } from "@playwright/test";
import { type Person, signIn } from "./fixtures";

// Every page, as every demo person, in the light and the dark theme, at laptop and at phone
// width: axe-core finds no serious or critical WCAG 2.1 A/AA violation. Each page is opened once;
// the theme (the class the layout's script sets before first paint) and the width change in place,
// and disclosures are opened first so the forms inside them are checked too.

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// The WCAG 2.1 A and AA rules that depend on colour.
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];
const THEMES = ["light", "dark"] as const;
const WIDTHS = {
  laptop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
type Theme = (typeof THEMES)[number];

// AxeBuilder evaluates axe-core's source (1.5 MB) in the page twice on every run, and each page is
// checked four times: this source sets axe up once per page load and does nothing after that.
const AXE_SOURCE = `if (typeof window.axe === "undefined") {\n${axeCore.source}\n}`;

const UNKNOWN_PLAN = "00000000-0000-4000-8000-000000000000";
// The seeded releases, one in each state the demo has.
const SEEDED = {
  active: "One-page checkout",
  scheduled: "Saved cards vault",
  rolledBack: "Rich push notifications",
  completed: "Search backend migration",
} as const;
type PlanKey = keyof typeof SEEDED | "draft";

// A plan document small enough to read, with every section the import preview shows.
const IMPORT_DOCUMENT = `# Wallet top-up rollout

**Owner:** Payments team
**Version:** 1.4.0

## Phases

| Phase | Traffic | Duration |
|-------|---------|----------|
| Internal | 1% | 2 days |
| Pilot | 10% | 3 days |
| Everyone | 100% | |

## KPIs

| KPI | Target | Warning | Critical |
|-----|--------|---------|----------|
| Error rate | < 0.5% | 1% | 2% |
| p95 latency | < 600 ms | 900 ms | 1500 ms |

## Rollback triggers

- Error rate above 2% for 5 minutes
- p95 latency above 2 s for 10 minutes

## Pre-release checklist

- [ ] Feature flag \`wallet_topup\` at 0% in production
- [ ] KPI dashboard live

## Risks

- Card issuer timeouts at peak hours

## Notes

Top-ups above the daily limit stay on the old flow.
`;

interface Finding {
  page: string;
  variant: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
  count: number;
}

/** Runs axe on one page in every theme and width, keeping what is serious or critical. */
class Checker {
  readonly findings: Finding[] = [];
  readonly checked: string[] = [];
  constructor(private readonly page: Page) {}

  async check(label: string) {
    const page = this.page;
    await openDisclosures(page);
    for (const theme of THEMES) {
      for (const [width, size] of Object.entries(WIDTHS)) {
        await setTheme(page, theme);
        await page.setViewportSize(size);
        await settle(page);
        // The theme changes colours only (the class the layout's script sets): the rules about
        // names, roles and structure run once per width, the colour rules in both themes.
        const axe = new AxeBuilder({ page, axeSource: AXE_SOURCE }).options({ resultTypes: ["violations"] });
        // axe.run in the page itself: the app has no frames, so the cross-frame mode (which opens
        // a blank page for every run) would only cost time.
        axe.setLegacyMode();
        if (theme === "light") axe.withTags(WCAG);
        else axe.withRules(COLOUR_RULES);
        const results = await axe.analyze();
        for (const v of results.violations) {
          if (v.impact !== "serious" && v.impact !== "critical") continue;
          this.findings.push({
            page: label,
            variant: `${theme} ${width}`,
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map((n) => n.target.join(" ")),
            count: v.nodes.length,
          });
        }
      }
    }
    this.checked.push(label);
  }

  /** Fails with one readable line per page and rule. */
  expectNone() {
    expect(this.findings.length, `serious or critical accessibility violations:\n${this.report()}\n`).toBe(0);
  }

  /** One line per page and rule, with the variants it showed in and a few of its elements. */
  report(): string {
    const grouped = new Map<string, Finding[]>();
    for (const f of this.findings) {
      const key = `${f.page}\n${f.id}`;
      grouped.set(key, [...(grouped.get(key) ?? []), f]);
    }
    return [...grouped.values()]
      .map((group) => {
        const f = group[0]!;
        const where = group.map((g) => `${g.variant}: ${g.count}`).join(", ");
        const targets = [...new Set(group.flatMap((g) => g.targets))].slice(0, 5);
        return `${f.page} — ${f.id} [${f.impact}] ${f.help} (${where})\n    ${targets.join("\n    ")}`;
      })
      .join("\n");
  }
}

async function setTheme(page: Page, theme: Theme) {
  await page.emulateMedia({ colorScheme: theme });
  await page.evaluate((t) => {
    localStorage.setItem("phasegate-theme", t);
    document.documentElement.classList.toggle("dark", t === "dark");
  }, theme);
}

/** Waits for the heading, for every chart to draw and for colour transitions (the theme switch) to end. */
async function settle(page: Page) {
  await expect(page.locator("h1").first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const transitions = document.getAnimations().filter((a) => a.constructor.name === "CSSTransition");
    await Promise.all(transitions.map((a) => a.finished.catch(() => undefined)));
  });
}

/** Opens a page; a plan page is ready once its live stream connected and the page re-rendered once. */
async function visit(page: Page, path: string): Promise<number> {
  const livePage = /^\/plans\/[0-9a-f-]{36}$/.test(path);
  // The stream's first event re-renders the page (router.refresh): an RSC request for this very path.
  const refreshed = livePage
    ? page
        .waitForResponse(
          (r) =>
            new URL(r.url()).pathname === path &&
            r.request().headers()["rsc"] === "1" &&
            !r.request().headers()["next-router-prefetch"],
          { timeout: 15_000 },
        )
        .catch(() => null)
    : null;
  const res = await page.goto(path);
  const status = res?.status() ?? 0;
  if (livePage && status === 200) {
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    await refreshed;
  }
  return status;
}

async function openDisclosures(page: Page) {
  await page.locator("details:not([open])").evaluateAll((all) => {
    for (const d of all) (d as HTMLDetailsElement).open = true;
  });
}

/** The seeded plans' ids, read from the portfolio's links. */
async function seededPlans(page: Page): Promise<Record<keyof typeof SEEDED, string>> {
  await page.goto("/");
  const ids = {} as Record<keyof typeof SEEDED, string>;
  for (const [key, name] of Object.entries(SEEDED) as [keyof typeof SEEDED, string][]) {
    const href = await page
      .getByTestId("plan-row")
      .filter({ hasText: name })
      .getByRole("link")
      .first()
      .getAttribute("href");
    ids[key] = /\/plans\/([0-9a-f-]{36})/.exec(href ?? "")![1]!;
  }
  return ids;
}

let plans: Record<PlanKey, string>;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  // A draft to look at beside the seeded plans: a release manager starts one from a template.
  const page = await browser.newPage();
  await signIn(page, "releaseManager");
  const seeded = await seededPlans(page);
  await page.goto("/plans/new");
  await page.getByLabel("Name", { exact: true }).fill(`Accessibility draft ${Date.now().toString(36)}`);
  await page.getByLabel("Release version").fill("0.1.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]{36}$/);
  const draft = /\/plans\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  plans = { ...seeded, draft };
  await page.close();
});

interface Visit {
  path: string;
  label: string;
}

/**
 * What a person opens: every page, refused ones included. The plan page in every state the demo
 * has for the admin (who sees every control) and the viewer (who sees none); the live and the draft
 * plan for everyone, since they carry the controls each role adds.
 */
function visitsFor(who: Person): Visit[] {
  const plan = (key: PlanKey, suffix = ""): Visit => ({
    path: `/plans/${plans[key]}${suffix}`,
    label: `/plans/[${key} plan]${suffix}`,
  });
  const allStates = who === "admin" || who === "viewer";
  const states: PlanKey[] = allStates
    ? ["active", "draft", "scheduled", "rolledBack", "completed"]
    : ["active", "draft"];
  const edits: PlanKey[] = who === "admin" ? ["active", "draft", "completed"] : ["active"];
  return [
    ...[
      "/",
      "/my-work",
      "/roadmap",
      "/roadmap?zoom=quarters&risk=1",
      "/delivery",
      "/projects",
      "/projects/checkout",
      "/projects/checkout/audit",
      "/digest",
      "/digest?project=checkout",
    ].map((path) => ({
      path,
      label: path,
    })),
    ...states.map((key) => plan(key)),
    ...edits.map((key) => plan(key, "/edit")),
    ...["/plans/new", "/plans/import", "/account", "/admin"].map((path) => ({ path, label: path })),
    { path: `/plans/${UNKNOWN_PLAN}`, label: "/plans/[unknown plan]" },
  ];
}

test("sign-in page, with and without an error", async ({ page }) => {
  const checker = new Checker(page);
  await visit(page, "/sign-in");
  await checker.check("/sign-in");
  await page.getByLabel("Email").fill("nobody@phasegate.local");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await checker.check("/sign-in (wrong password)");
  checker.expectNone();
});

const ROLES: Person[] = ["admin", "releaseManager", "engineer", "approver", "engineerApprover", "viewer"];

for (const who of ROLES) {
  test(`every page, as ${who}`, async ({ page }) => {
    test.setTimeout(600_000);
    const started = Date.now();
    const checker = new Checker(page);
    await signIn(page, who);
    let forbiddenSeen = false;
    for (const { path, label } of visitsFor(who)) {
      const status = await visit(page, path);
      if (path.endsWith(UNKNOWN_PLAN)) expect(status, label).toBe(404);
      else expect([200, 403], label).toContain(status);
      // Every refused page is the same page: check it once per person.
      if (status === 403) {
        if (forbiddenSeen) continue;
        forbiddenSeen = true;
      }
      await checker.check(status === 200 ? label : `${label} (${status})`);

      // The new-plan form with its errors, and an import's preview: once, as the release manager.
      if (who === "releaseManager" && path === "/plans/new") {
        await page.getByRole("button", { name: "Create plan" }).click();
        await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible();
        await checker.check("/plans/new (errors)");
      }
      if (who === "releaseManager" && path === "/plans/import") {
        await page.getByTestId("import-markdown").fill(IMPORT_DOCUMENT);
        await page.getByRole("button", { name: "Preview" }).click();
        await expect(page.getByTestId("import-phase").first()).toBeVisible();
        await checker.check("/plans/import (preview)");
      }
    }
    console.log(`${who}: ${checker.checked.length} pages in ${Math.round((Date.now() - started) / 1000)} s`);
    checker.expectNone();
  });
}
