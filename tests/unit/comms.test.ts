import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  COMMS_PLACEHOLDERS,
  type CommsData,
  commsDataFor,
  type CommsPlanFacts,
  renderTemplate,
  unknownPlaceholders,
} from "@/lib/domain/comms";

const data: CommsData = {
  plan: "Checkout",
  version: "2.4.0",
  phase: "Pilot",
  next_phase: "Expanded",
  traffic: "10",
  reason: "error rate held",
  eta: "3 Mar 2026, 10:00 UTC",
  status: "in progress",
  owner: "Rina",
  project: "Shop",
};

describe("rendering a comms template", () => {
  test.each([
    [
      "{plan} is now in {phase} ({traffic}% of users). Next check: {eta}.",
      "Checkout is now in Pilot (10% of users). Next check: 3 Mar 2026, 10:00 UTC.",
    ],
    ["{plan} {version} → {next_phase} after {phase}", "Checkout 2.4.0 → Expanded after Pilot"],
    [
      "Owner {owner} of {project}: {status}, because {reason}",
      "Owner Rina of Shop: in progress, because error rate held",
    ],
    ["no placeholders at all", "no placeholders at all"],
    ['JSON braces stay: {"a": 1} and { plan }', 'JSON braces stay: {"a": 1} and { plan }'],
    ["", ""],
  ])("%s", (template, expected) => {
    const rendered = renderTemplate(template, data);
    expect(rendered.text).toBe(expected);
    expect(rendered.unknown).toEqual([]);
    expect(rendered.missing).toEqual([]);
  });

  test("unknown placeholders are left visible and listed once each, in order", () => {
    const rendered = renderTemplate("{plan} {Phase} {team} {team} {eta-date}", data);
    expect(rendered.text).toBe("Checkout {Phase} {team} {team} {eta-date}");
    expect(rendered.unknown).toEqual(["Phase", "team", "eta-date"]);
    expect(unknownPlaceholders("{Phase} {stage} {team}")).toEqual([
      { name: "Phase", suggestion: "phase" },
      { name: "stage", suggestion: "phase" },
      { name: "team", suggestion: null },
    ]);
  });

  test("known placeholders without a value stay visible and are listed as missing", () => {
    const rendered = renderTemplate("{plan} rolled back: {reason} ({reason})", { plan: "Checkout", reason: null });
    expect(rendered.text).toBe("Checkout rolled back: {reason} ({reason})");
    expect(rendered.missing).toEqual(["reason"]);
    expect(rendered.parts.filter((p) => p.kind === "missing")).toHaveLength(2);
  });

  test("property: the parts make up the text, and text outside placeholders is copied unchanged", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(fc.constantFrom(...COMMS_PLACEHOLDERS), fc.option(fc.string(), { nil: null })),
        (template, values) => {
          const rendered = renderTemplate(template, values);
          expect(rendered.parts.map((p) => p.text).join("")).toBe(rendered.text);
          for (const part of rendered.parts)
            if (part.kind === "unknown" || part.kind === "missing") expect(part.text).toBe(`{${part.name}}`);
          expect(renderTemplate(template, {}).text).toBe(template);
        },
      ),
    );
  });

  test("property: values are inserted once, as written (a value holding {plan} or markup is not expanded or escaped)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, value) => {
        const v = value || "x";
        const rendered = renderTemplate(`${prefix.replace(/[{}]/g, "")}{reason}`, { reason: v, plan: "P" });
        expect(rendered.text).toBe(`${prefix.replace(/[{}]/g, "")}${v}`);
      }),
    );
    expect(renderTemplate("{reason}", { reason: "<b>{plan}</b> & co", plan: "P" }).text).toBe("<b>{plan}</b> & co");
  });
});

describe("a plan's live data for its templates", () => {
  const facts: CommsPlanFacts = {
    name: "Checkout",
    releaseVersion: "2.4.0",
    status: "in_progress",
    projectName: "Shop",
    ownerName: "Rina",
    phases: [
      { name: "Internal", status: "passed", trafficPercent: 1, plannedEndAt: new Date("2026-03-01T10:00:00Z") },
      { name: "Pilot", status: "active", trafficPercent: 12.5, plannedEndAt: new Date("2026-03-15T10:00:00Z") },
      { name: "GA", status: "pending", trafficPercent: 100, plannedEndAt: null },
    ],
    latestReason: "error rate held below 1%",
  };

  test("a running plan names its active phase, the next one, traffic now and the planned end", () => {
    expect(commsDataFor(facts)).toEqual({
      plan: "Checkout",
      version: "2.4.0",
      phase: "Pilot",
      next_phase: "GA",
      traffic: "12.5",
      reason: "error rate held below 1%",
      eta: "15 Mar 2026, 10:00 UTC",
      status: "in progress",
      owner: "Rina",
      project: "Shop",
    });
  });

  test("a rolled-back plan names the phase it rolled back from, with no traffic", () => {
    const rolled = commsDataFor({
      ...facts,
      status: "rolled_back",
      phases: [facts.phases[0]!, { ...facts.phases[1]!, status: "rolled_back" }, facts.phases[2]!],
      latestReason: "  ",
    });
    expect(rolled).toMatchObject({
      phase: "Pilot",
      next_phase: "GA",
      traffic: "0",
      reason: null,
      status: "rolled back",
    });
  });

  test("a draft plan without phases or owner leaves those placeholders to fill in", () => {
    const draft = commsDataFor({ ...facts, status: "draft", phases: [], ownerName: null, latestReason: null });
    expect(renderTemplate("{plan}: {phase} by {owner}", draft).missing).toEqual(["phase", "owner"]);
  });
});
