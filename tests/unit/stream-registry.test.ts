import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { StreamRegistry, streamLimitsFromEnv } from "@/lib/live/stream-registry";

describe("live stream limits", () => {
  test("a person's newest stream gets in; their oldest is closed to make room", () => {
    const registry = new StreamRegistry({ perUser: 2, perProcess: 100 });
    const closed: string[] = [];
    registry.admit("ann", () => closed.push("ann-1"));
    registry.admit("ann", () => closed.push("ann-2"));
    registry.admit("bob", () => closed.push("bob-1"));
    expect(registry.admit("ann", () => closed.push("ann-3"))).not.toBeNull();
    expect(closed).toEqual(["ann-1"]);
    expect(registry.countFor("ann")).toBe(2);
    expect(registry.countFor("bob")).toBe(1);
  });

  test("past the process's cap new streams are refused until one ends", () => {
    const registry = new StreamRegistry({ perUser: 5, perProcess: 2 });
    const release = registry.admit("a", () => {});
    registry.admit("b", () => {});
    expect(registry.admit("c", () => {})).toBeNull();
    release!();
    expect(registry.admit("c", () => {})).not.toBeNull();
  });

  test("property: the counts never pass their caps, whatever the order of opens and closes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.boolean()), { maxLength: 60 }),
        (perUser, perProcess, steps) => {
          const registry = new StreamRegistry({ perUser, perProcess });
          const releases: (() => void)[] = [];
          for (const [user, open] of steps) {
            if (open) {
              const release = registry.admit(user, () => {});
              if (release) releases.push(release);
            } else releases.shift()?.();
            expect(registry.size).toBeLessThanOrEqual(perProcess);
            for (const u of ["a", "b", "c"]) expect(registry.countFor(u)).toBeLessThanOrEqual(perUser);
          }
        },
      ),
    );
  });

  test("limits come from the environment, with defaults", () => {
    expect(streamLimitsFromEnv({} as NodeJS.ProcessEnv)).toEqual({ perUser: 10, perProcess: 1_000 });
    expect(
      streamLimitsFromEnv({
        PHASEGATE_LIVE_STREAMS_PER_USER: "3",
        PHASEGATE_LIVE_STREAMS: "50",
      } as unknown as NodeJS.ProcessEnv),
    ).toEqual({ perUser: 3, perProcess: 50 });
  });
});
