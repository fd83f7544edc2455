import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { subjectOf } from "@/lib/http/front-door";
import { createLogger, logSettings } from "@/lib/observability/log";
import { routeLabel } from "@/lib/observability/metrics";
import { metricsTokenMatches } from "@/lib/observability/scrape";

const id = "4b1130fc-dbba-4416-96df-c93db6220244";

describe("route labels stay few", () => {
  test.each([
    [`/plans/${id}`, "/plans/:id"],
    [`/plans/${id}/edit?tab=kpis`, "/plans/:id/edit"],
    ["/plans/new", "/plans/new"],
    ["/plans/import", "/plans/import"],
    [`/api/v1/plans/${id}/status`, "/api/v1/plans/:id/status"],
    [`/api/v1/checklists/${id}/items/deploy-ok`, "/api/v1/checklists/:id/items/:key"],
    ["/ofrep/v1/evaluate/flags/checkout.one-page", "/ofrep/v1/evaluate/flags/:key"],
    ["/projects/checkout/audit", "/projects/:key/audit"],
    ["/_next/static/chunks/abc.js", "/_next/*"],
    ["/a/b/c/d/e/f/g", "/a/b/c/d/e/f"],
    ["/%F0%9F%92%A5", "/:other"],
    ["/api/v1/webhooks/123", "/api/v1/webhooks/:n"],
  ])("%s → %s", (url, label) => expect(routeLabel(url)).toBe(label));
});

test("a request's log line names its plan and project", () => {
  expect(subjectOf(`/plans/${id}/events`)).toEqual({ planId: id });
  expect(subjectOf(`/api/v1/plans/${id}/decisions`)).toEqual({ planId: id });
  expect(subjectOf("/projects/checkout/audit?plan=x")).toEqual({ project: "checkout" });
  expect(subjectOf("/plans/new")).toEqual({});
});

describe("logs", () => {
  test("JSON in production, readable in development, level from the environment", () => {
    expect(logSettings({ NODE_ENV: "production" } as NodeJS.ProcessEnv)).toEqual({ level: "info", format: "json" });
    expect(logSettings({ NODE_ENV: "development" } as NodeJS.ProcessEnv)).toEqual({ level: "info", format: "pretty" });
    expect(
      logSettings({
        NODE_ENV: "production",
        PHASEGATE_LOG_FORMAT: "pretty",
        PHASEGATE_LOG_LEVEL: "DEBUG",
      } as NodeJS.ProcessEnv),
    ).toEqual({ level: "debug", format: "pretty" });
    expect(() => logSettings({ NODE_ENV: "production", PHASEGATE_LOG_LEVEL: "loud" } as NodeJS.ProcessEnv)).toThrow(
      /PHASEGATE_LOG_LEVEL must be one of/,
    );
  });

  test("tokens, passwords, cookies and authorization headers never reach a line", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger(
      "phasegate-test",
      { NODE_ENV: "production", PHASEGATE_LOG_LEVEL: "info" } as NodeJS.ProcessEnv,
      sink,
    );
    logger.info(
      {
        requestId: "r1",
        token: "pgt_secret",
        headers: { authorization: "Bearer pgt_x", cookie: "a=b", "x-api-key": "pgt_y" },
        user: { password: "hunter2" },
      },
      "request",
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      service: "phasegate-test",
      requestId: "r1",
      token: "[redacted]",
      msg: "request",
      headers: { authorization: "[redacted]", cookie: "[redacted]", "x-api-key": "[redacted]" },
      user: { password: "[redacted]" },
    });
    expect(lines[0]).not.toMatch(/pgt_|hunter2/);
    expect(typeof line.time).toBe("string");
  });
});

test("the metrics token is compared whole, and nothing matches when none is set", () => {
  expect(metricsTokenMatches("s3cret-token", "Bearer s3cret-token")).toBe(true);
  expect(metricsTokenMatches("s3cret-token", "bearer s3cret-token")).toBe(true);
  expect(metricsTokenMatches("s3cret-token", "Bearer s3cret")).toBe(false);
  expect(metricsTokenMatches("s3cret-token", null)).toBe(false);
  expect(metricsTokenMatches(undefined, "Bearer ")).toBe(false);
  expect(metricsTokenMatches("", "Bearer ")).toBe(false);
});
