import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  buildDigestPayload,
  type DigestFacts,
  type DigestOptions,
  type DigestPlan,
  type DigestPlanRef,
  markdownEscape,
  moveOf,
  renderDigest,
  renderDigestSlack,
  SENT_ITEMS_PER_SECTION,
  slackLiteral,
  waitingOn,
} from "@/lib/domain/digest";

const now = new Date("2026-12-07T08:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ref = (name: string, over: Partial<DigestPlanRef> = {}): DigestPlanRef => ({
  id: `id-${name.length}`,
  name,
  releaseVersion: "v2.1",
  project: { slug: "checkout", name: "Checkout" },
  ...over,
});
const running = (name: string, milestone: DigestPlan["milestone"]): DigestPlan => ({
  plan: ref(name),
  status: "in_progress",
  phase: "Canary",
  trafficPercent: 5,
  milestone,
});
const empty: DigestFacts = { plans: [], moves: [], blocked: [], incidents: [] };
const project: DigestOptions = { now, scope: { kind: "project", slug: "checkout", name: "Checkout" } };

const facts: DigestFacts = {
  plans: [
    running("Payments", {
      label: "Go/no-go: Canary → Half (50%)",
      dueAt: new Date(now.getTime() + 12 * HOUR),
      status: "at_risk",
      reason: "Due within 24 h with 2 required items open",
    }),
    running("Search", {
      label: "Complete rollout after Full",
      dueAt: new Date(now.getTime() - HOUR),
      status: "late",
      reason: "Due time has passed",
    }),
    running("Cart", {
      label: "Start Canary",
      dueAt: new Date(now.getTime() + 20 * DAY),
      status: "on_track",
      reason: "On schedule",
    }),
  ],
  moves: [
    {
      plan: ref("Payments"),
      kind: "advanced",
      at: new Date(now.getTime() - DAY),
      fromPhase: "Internal",
      toPhase: "Canary",
      actor: "Rita",
    },
    {
      plan: ref("Old"),
      kind: "completed",
      at: new Date(now.getTime() - 8 * DAY),
      fromPhase: "Full",
      toPhase: null,
      actor: "Rita",
    },
  ],
  blocked: [
    {
      plan: ref("Payments"),
      phase: "Canary",
      conditions: ["0 of 1 approvals given: 1 more needed from approver"],
      openItems: [
        {
          list: "Go/no-go",
          text: "Load test",
          state: "open",
          reason: null,
          assigneeRole: "engineer",
          assigneeName: null,
        },
        {
          list: "Go/no-go",
          text: "DPA signed",
          state: "blocked",
          reason: "Legal is out",
          assigneeRole: null,
          assigneeName: "Ann",
        },
      ],
    },
  ],
  incidents: [
    {
      plan: ref("Search"),
      title: "Error rate spike",
      status: "mitigated",
      instants: {
        detectedAt: new Date(now.getTime() - 2 * DAY),
        decidedAt: new Date(now.getTime() - 2 * DAY + 10 * 60_000),
        executedAt: new Date(now.getTime() - 2 * DAY + 11 * 60_000),
        verifiedAt: null,
      },
      targets: { decideTargetSec: 300, executeTargetSec: 120, verifyTargetSec: 180, totalTargetSec: 600 },
    },
  ],
};

describe("renderDigest", () => {
  const md = renderDigest(facts, project);

  test("has a heading per section and the project's title", () => {
    expect(md.startsWith("# Weekly digest: Checkout\n")).toBe(true);
    for (const h of ["What moved", "At risk", "Blocked", "Incidents", "Next 14 days"]) expect(md).toContain(`## ${h}`);
  });

  test("what moved holds only the last 7 days", () => {
    expect(md).toContain("**Payments v2.1** advanced Internal → Canary");
    expect(md).not.toContain("Old v2.1");
  });

  test("late first, then at risk, each with its reason", () => {
    const late = md.indexOf("**Search v2.1** — **Late**: Due time has passed");
    const risk = md.indexOf("**Payments v2.1** — **At risk**: Due within 24 h with 2 required items open");
    expect(late).toBeGreaterThan(-1);
    expect(risk).toBeGreaterThan(late);
    expect(md).not.toMatch(/Cart v2\.1\*\* — \*\*On track/);
  });

  test("blocked says on whom, and blocked items carry their reasons", () => {
    expect(md).toContain("**Payments v2.1** in Canary — waiting on **engineer (1), Ann (1)**");
    expect(md).toContain("  - 0 of 1 approvals given: 1 more needed from approver");
    expect(md).toContain("  - Blocked: Go/no-go — DPA signed (Ann): Legal is out");
    expect(md).toContain("  - Open: Go/no-go — Load test (engineer)");
  });

  test("incidents against their targets", () => {
    expect(md).toContain("Error rate spike — **mitigated**, missed decide, verify, total");
    expect(md).toContain("Decided in 10 min (target 5 min, over by 5 min)");
  });

  test("next milestones within 14 days only", () => {
    const next = md.slice(md.indexOf("## Next 14 days"));
    expect(next).toContain("Payments v2.1");
    expect(next).not.toContain("Cart");
  });

  test("empty sections say so", () => {
    const quiet = renderDigest(empty, { now, scope: { kind: "portfolio" } });
    expect(quiet).toContain("# Weekly digest: portfolio");
    expect(quiet).toContain("Every running plan is on track\\.".replace("\\.", "."));
    expect(quiet).toContain("No gate is waiting on anyone.");
  });

  test("the portfolio names each plan's project; a base URL makes plans links", () => {
    const md2 = renderDigest(facts, { now, scope: { kind: "portfolio" }, baseUrl: "https://pg.example.com/" });
    expect(md2).toContain("[Checkout · Payments v2.1](<https://pg.example.com/plans/id-8>)");
  });
});

describe("renderDigestSlack", () => {
  const text = renderDigestSlack(facts, { ...project, baseUrl: "https://pg.example.com" });

  test("bold headings, bullets, links and no Markdown headings", () => {
    expect(text.startsWith("*Weekly digest: Checkout*\n")).toBe(true);
    expect(text).not.toMatch(/^#/m);
    expect(text).toContain("*At risk*");
    expect(text).toContain("• <https://pg.example.com/plans/id-8|Payments v2.1> — *At risk*: Due within 24 h");
    expect(text).toContain("    ◦ Blocked: Go/no-go — DPA signed (Ann): Legal is out");
  });
});

describe("escaping", () => {
  test.each([
    ["*bold* _it_", "\\*bold\\* \\_it\\_"],
    ["[x](http://evil)", "\\[x\\](http://evil)"],
    ["<script>", "\\<script\\>"],
    ["a\nb\r\nc", "a b c"],
    ["`code` | # ~ & !", "\\`code\\` \\| \\# \\~ \\& !"],
  ])("markdown: %j", (raw, escaped) => {
    expect(markdownEscape(raw)).toBe(escaped);
  });

  test.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["<@U123|x>", "&lt;@U123|x&gt;"],
    ["*b* _i_ ~s~ `c`", "∗b∗ ˍiˍ ∼s∼ ˋcˋ"],
    ["a & b\nc", "a &amp; b c"],
  ])("slack: %j", (raw, escaped) => {
    expect(slackLiteral(raw)).toBe(escaped);
  });
});

describe("waitingOn and moveOf", () => {
  test("person, else role, else unassigned", () => {
    expect(waitingOn({ assigneeName: "Ann", assigneeRole: "engineer" })).toBe("Ann");
    expect(waitingOn({ assigneeName: null, assigneeRole: "release_manager" })).toBe("release manager");
    expect(waitingOn({ assigneeName: null, assigneeRole: null })).toBe("unassigned");
  });
  test.each([
    ["plan.start", {}, { phase: "Canary" }, { kind: "started", fromPhase: null, toPhase: "Canary" }],
    ["decision.go", { phase: "A" }, { phase: "B" }, { kind: "advanced", fromPhase: "A", toPhase: "B" }],
    ["decision.go", { phase: "B" }, { status: "completed" }, { kind: "completed", fromPhase: "B", toPhase: null }],
    ["decision.rollback", { phase: "B" }, null, { kind: "rolled_back", fromPhase: "B", toPhase: null }],
    ["decision.no_go", {}, {}, null],
  ])("%s", (action, before, after, move) => {
    expect(moveOf(action, before, after)).toEqual(move);
  });
});

// ---- Properties --------------------------------------------------------------------------------

const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."*_<>&|`~[]()#!\n\r\\@ab".split("")), maxLength: 30 }),
  fc.constantFrom(
    "<!channel>",
    "<!here|here>",
    "<@U0123>",
    "<https://evil.example|click>",
    "[x](https://evil.example)",
    "a\n# Heading",
  ),
  fc.string({ maxLength: 20 }),
);
const statusArb = fc.constantFrom("on_track", "at_risk", "late" as const);
const planArb = fc.record({
  name: hostile,
  reason: hostile,
  label: hostile,
  status: statusArb,
  dueInHours: fc.option(fc.integer({ min: -500, max: 500 }), { nil: null }),
});
const factsArb = fc.record({
  plans: fc.array(planArb, { maxLength: 6 }),
  blockedReason: hostile,
  itemText: hostile,
  person: hostile,
  project: hostile,
});

type FactsInput = typeof factsArb extends fc.Arbitrary<infer T> ? T : never;

function buildFacts(a: FactsInput): DigestFacts {
  const plans = a.plans.map((p, i): DigestPlan => ({
    plan: { id: `p${i}`, name: p.name, releaseVersion: "1", project: { slug: "x", name: a.project } },
    status: "in_progress",
    phase: "Canary",
    trafficPercent: 10,
    milestone: {
      label: p.label,
      reason: p.reason,
      status: p.status,
      dueAt: p.dueInHours === null ? null : new Date(now.getTime() + p.dueInHours * HOUR),
    },
  }));
  return {
    plans,
    moves: plans.map((p) => ({
      plan: p.plan,
      kind: "advanced",
      at: new Date(now.getTime() - HOUR),
      fromPhase: a.itemText,
      toPhase: a.person,
      actor: a.person,
    })),
    blocked: plans.slice(0, 2).map((p) => ({
      plan: p.plan,
      phase: a.itemText,
      conditions: [a.blockedReason],
      openItems: [
        {
          list: a.itemText,
          text: a.itemText,
          state: "blocked",
          reason: a.blockedReason,
          assigneeRole: null,
          assigneeName: a.person,
        },
      ],
    })),
    incidents: [],
  };
}

describe("properties", () => {
  test("every plan at risk or late appears with its reason (escaped)", () => {
    fc.assert(
      fc.property(factsArb, fc.boolean(), (a, portfolio) => {
        const f = buildFacts(a);
        const o: DigestOptions = {
          now,
          scope: portfolio ? { kind: "portfolio" } : { kind: "project", slug: "x", name: a.project },
        };
        const md = renderDigest(f, o);
        const slack = renderDigestSlack(f, o);
        const atRisk = md.slice(md.indexOf("## At risk"), md.indexOf("## Blocked"));
        for (const p of f.plans) {
          if (p.milestone!.status === "on_track") continue;
          expect(atRisk).toContain(`: ${markdownEscape(p.milestone!.reason)}`);
          expect(atRisk).toContain(markdownEscape(p.plan.name));
          expect(slack).toContain(`: ${slackLiteral(p.milestone!.reason)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("hostile names cannot add links, mentions, headings or lines", () => {
    fc.assert(
      fc.property(factsArb, (a) => {
        const f = buildFacts(a);
        const o: DigestOptions = { now, scope: { kind: "portfolio" }, baseUrl: "https://pg.example.com" };
        const slack = renderDigestSlack(f, o);
        // The only Slack markup in angle brackets is ours: links to plan pages.
        for (const m of slack.matchAll(/<([^>]*)>/g))
          expect(m[1]).toMatch(/^https:\/\/pg\.example\.com\/plans\/p\d+\|/);
        expect(slack).not.toMatch(/<[!@#]/);
        const md = renderDigest(f, o);
        // Every unescaped [ opens one of our links, every unescaped < one of our link targets.
        for (const m of md.matchAll(/(?<!\\)\[/g))
          expect(md.slice(m.index)).toMatch(/^\[[^\n]*?\]\(<https:\/\/pg\.example\.com\/plans\/p\d+>\)/);
        for (const m of md.matchAll(/(?<!\\)</g))
          expect(md.slice(m.index)).toMatch(/^<https:\/\/pg\.example\.com\/plans\/p\d+>/);
        // The line structure is ours: a title, a period, then headings, bullets and sentences.
        const lines = md.trimEnd().split("\n");
        expect(lines.filter((l) => l.startsWith("#")).length).toBe(6);
        for (const l of lines) expect(l).toMatch(/^(# |## |- |  - |_|$|[A-Z])/);
        const slackLines = slack.split("\n");
        expect(slackLines.filter((l) => l.startsWith("• ")).length).toBe(
          md.split("\n").filter((l) => l.startsWith("- ")).length,
        );
      }),
      { numRuns: 300 },
    );
  });

  test("a name can never close a backslash escape early (each escape is followed by the escaped character)", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const escaped = markdownEscape(name);
        let unescaped = "";
        for (let i = 0; i < escaped.length; i++) {
          if (escaped[i] === "\\") {
            unescaped += escaped[i + 1];
            i++;
          } else unescaped += escaped[i];
        }
        expect(unescaped).toBe(name.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " "));
      }),
    );
  });
});

describe("buildDigestPayload", () => {
  test("Slack text in text, Markdown beside it, the audit id to drop repeats", () => {
    const payload = buildDigestPayload(facts, {
      ...project,
      auditEventId: 42,
      period: "2026-W50",
      project: { id: "p", name: "Checkout" },
    });
    expect(payload.text).toBe(renderDigestSlack(facts, project));
    expect(payload.markdown).toBe(renderDigest(facts, project));
    expect(payload.phasegate).toMatchObject({ event: "digest", id: 42, scope: "project", period: "2026-W50" });
  });
});

describe("a sent digest keeps each section short", () => {
  test("at most SENT_ITEMS_PER_SECTION items, then how many more; the page's digest lists them all", () => {
    const many: DigestFacts = {
      ...empty,
      plans: Array.from({ length: SENT_ITEMS_PER_SECTION + 5 }, (_, i) =>
        running(`Plan ${i}`, { label: "Start", dueAt: null, status: "at_risk", reason: "Rollout is paused" }),
      ),
    };
    const payload = buildDigestPayload(many, { ...project, auditEventId: 1, period: "2026-W50", project: null });
    expect(payload.text).toContain("• …and 5 more");
    expect(payload.markdown).toContain("- …and 5 more");
    expect(payload.text.match(/Rollout is paused/g)).toHaveLength(SENT_ITEMS_PER_SECTION);
    expect(renderDigest(many, project).match(/Rollout is paused/g)).toHaveLength(SENT_ITEMS_PER_SECTION + 5);
  });
});
