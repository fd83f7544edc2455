import { afterEach, describe, expect, test, vi } from "vitest";
import { StreamRegistry } from "@/lib/live/stream-registry";
import {
  createShutdown,
  DEFAULT_GRACE_MS,
  handleShutdownSignals,
  refusedWhileDraining,
  type ShutdownStep,
  shutdownDelayMs,
  shutdownGraceMs,
} from "@/lib/ops/shutdown";

// The shutdown coordinator: steps in order, each bounded by its own timeout and by the grace
// period, none able to stop the others, and one run however many signals arrive.

function recorder() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown> | string, msg?: string) => {
    lines.push(typeof fields === "string" ? { level, fields: {}, msg: fields } : { level, fields, msg: msg ?? "" });
  };
  return { lines, logger: { info: at("info"), warn: at("warn"), debug: at("debug") } as never };
}

const step = (name: string, run: () => unknown, timeoutMs = 1_000): ShutdownStep => ({ name, timeoutMs, run });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the shutdown coordinator", () => {
  test("runs the steps in order, each after the previous one ended, between 'shutting down' and 'stopped'", async () => {
    const order: string[] = [];
    const { lines, logger } = recorder();
    const steps = [
      step("streams", () => order.push("streams")),
      step("jobs", async () => {
        await sleep(20);
        order.push("jobs");
      }),
      step("database", () => order.push("database")),
    ];
    const report = await createShutdown({ steps: () => steps, graceMs: 5_000, logger }).shutDown("SIGTERM");
    expect(order).toEqual(["streams", "jobs", "database"]);
    expect(report.problems).toEqual([]);
    expect(report.signal).toBe("SIGTERM");
    const info = lines.filter((l) => l.level === "info");
    expect(info.map((l) => l.msg)).toEqual(["shutting down", "stopped"]);
    expect(info[0]!.fields).toMatchObject({ signal: "SIGTERM", graceMs: 5_000 });
    expect(info[1]!.fields).toMatchObject({ signal: "SIGTERM" });
    expect(info[1]!.fields).not.toHaveProperty("problems");
  });

  test("a hung step is cut off at its timeout and the next steps still run", async () => {
    const order: string[] = [];
    const { lines, logger } = recorder();
    const started = Date.now();
    const report = await createShutdown({
      steps: () => [step("hung", () => new Promise(() => {}), 100), step("after", () => order.push("after"))],
      graceMs: 5_000,
      logger,
    }).shutDown("SIGTERM");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(order).toEqual(["after"]);
    expect(report.problems).toEqual([{ step: "hung", error: expect.stringContaining("no end within 100 ms") }]);
    expect(lines.some((l) => l.level === "warn" && l.fields.step === "hung")).toBe(true);
  });

  test("a failing step (a database error, sync or async) is reported and never thrown", async () => {
    const order: string[] = [];
    const refused = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const report = await createShutdown({
      steps: () => [
        step("unlisten", () => Promise.reject(refused)),
        step("throws", () => {
          throw new Error("boom");
        }),
        step("close", () => order.push("close")),
      ],
      graceMs: 5_000,
      logger: recorder().logger,
    }).shutDown("SIGINT");
    expect(order).toEqual(["close"]);
    expect(report.problems.map((p) => p.step)).toEqual(["unlisten", "throws"]);
    expect(report.problems[0]!.error).toContain("ECONNRESET");
  });

  test("the grace period bounds the whole run: a step's timeout is cut to what is left, later steps are skipped", async () => {
    const ran: string[] = [];
    const started = Date.now();
    const report = await createShutdown({
      steps: () => [step("slow", () => new Promise(() => {}), 10_000), step("late", () => ran.push("late"))],
      graceMs: 150,
      logger: recorder().logger,
    }).shutDown("SIGTERM");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ran).toEqual([]);
    expect(report.problems.map((p) => p.step)).toEqual(["slow", "late"]);
    expect(report.problems[1]!.error).toMatch(/grace period is over/);
  });

  test("a second signal joins the run in progress: every step runs once", async () => {
    const runs = vi.fn(async () => sleep(30));
    const { lines, logger } = recorder();
    const coordinator = createShutdown({ steps: () => [step("once", runs)], graceMs: 5_000, logger });
    const first = coordinator.shutDown("SIGTERM");
    const second = coordinator.shutDown("SIGTERM");
    const third = coordinator.shutDown("SIGINT");
    expect(second).toBe(first);
    expect(third).toBe(first);
    await first;
    expect(runs).toHaveBeenCalledTimes(1);
    expect(lines.filter((l) => l.msg === "shutting down")).toHaveLength(1);
    expect(lines.filter((l) => l.msg === "already shutting down")).toHaveLength(1);
    expect(lines.filter((l) => l.msg === "stopped")).toHaveLength(1);
  });

  test("a step list that cannot be built still ends in 'stopped'", async () => {
    const { lines, logger } = recorder();
    const report = await createShutdown({
      steps: () => {
        throw new Error("no steps");
      },
      graceMs: 1_000,
      logger,
    }).shutDown("SIGTERM");
    expect(report.problems).toEqual([{ step: "plan", error: "no steps" }]);
    expect(lines.at(-1)?.msg).toBe("stopped");
  });
});

describe("signals", () => {
  const installed: { signal: NodeJS.Signals; listener: (...args: unknown[]) => void }[] = [];
  afterEach(() => {
    for (const { signal, listener } of installed.splice(0)) process.removeListener(signal, listener);
  });

  test("Next.js's own handler (which exits 143) is replaced; a signal runs the shutdown once and exits 0", async () => {
    // Stands in for next/dist/server/lib/start-server.js's `cleanup` listener.
    let cleanupStarted = false;
    const cleanup = () => {
      cleanupStarted = true;
    };
    process.on("SIGTERM", cleanup);
    const before = new Set([...process.listeners("SIGTERM"), ...process.listeners("SIGINT")]);
    const shutDown = vi.fn(async () => ({ signal: "SIGTERM", ms: 1, problems: [] }));
    const exit = vi.fn();
    handleShutdownSignals({ shutDown }, exit);
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      for (const listener of process.listeners(signal))
        if (!before.has(listener)) installed.push({ signal, listener: listener as (...args: unknown[]) => void });
    }
    expect(process.listeners("SIGTERM")).not.toContain(cleanup);
    expect(installed.map((i) => i.signal).sort()).toEqual(["SIGINT", "SIGTERM"]);

    // Called directly rather than through process.emit: the test runner has signal listeners of its own.
    const ours = installed.find((i) => i.signal === "SIGTERM")!.listener;
    ours("SIGTERM");
    ours("SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    await sleep(600);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(shutDown).toHaveBeenCalledWith("SIGTERM");
    expect(cleanupStarted).toBe(false);
  });
});

describe("settings and the drain gate", () => {
  test.each([
    [{}, DEFAULT_GRACE_MS],
    [{ PHASEGATE_SHUTDOWN_GRACE_MS: "3000" }, 3_000],
  ])("grace period from %o is %i ms", (env, ms) => {
    expect(shutdownGraceMs(env as NodeJS.ProcessEnv)).toBe(ms);
  });

  test.each(["soon", "10"])("a grace period of %s is refused, naming the variable", (value) => {
    expect(() => shutdownGraceMs({ PHASEGATE_SHUTDOWN_GRACE_MS: value } as unknown as NodeJS.ProcessEnv)).toThrow(
      /^PHASEGATE_SHUTDOWN_GRACE_MS must be/,
    );
  });

  test("the load-balancer delay is off unless set", () => {
    expect(shutdownDelayMs({} as NodeJS.ProcessEnv)).toBe(0);
    expect(shutdownDelayMs({ PHASEGATE_SHUTDOWN_DELAY_MS: "1500" } as unknown as NodeJS.ProcessEnv)).toBe(1_500);
  });

  test.each([
    ["GET", "/api/health", true],
    ["GET", "/api/v1/plans", true],
    ["POST", "/ofrep/v1/evaluate/flags", true],
    ["POST", "/plans/1", true],
    ["GET", "/plans/1", false],
    ["HEAD", "/", false],
    ["GET", "/plans/1/events", false],
    ["GET", "/metrics", false],
  ])("%s %s refused while draining: %s", (method, url, refused) => {
    expect(refusedWhileDraining(method, url)).toBe(refused);
  });

  test("closing every live stream tells each why and admits no more", () => {
    const registry = new StreamRegistry({ perUser: 5, perProcess: 10 });
    const reasons: string[] = [];
    registry.admit("ann", (reason) => reasons.push(`ann:${reason}`));
    registry.admit("bob", (reason) => reasons.push(`bob:${reason}`));
    expect(registry.closeAll()).toBe(2);
    expect(reasons).toEqual(["ann:shutdown", "bob:shutdown"]);
    expect(registry.size).toBe(0);
    expect(registry.closing).toBe(true);
    expect(registry.admit("cy", () => {})).toBeNull();
  });
});
