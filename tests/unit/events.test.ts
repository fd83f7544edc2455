import { describe, expect, test } from "vitest";
import { eventPayload } from "@/lib/services/events";

describe("change notifications", () => {
  test("an ordinary event goes out whole", () => {
    const event = { type: "flags.changed", projectId: "p", flagKeys: ["a", "b"] };
    expect(JSON.parse(eventPayload(event))).toEqual(event);
  });

  test("an event too long for NOTIFY keeps what listeners route by", () => {
    const event = {
      type: "flags.changed",
      projectId: "p",
      planId: "x",
      flagKeys: Array.from({ length: 400 }, (_, i) => `checkout.flag-with-a-long-key-${i}`),
    };
    const payload = eventPayload(event);
    expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    expect(JSON.parse(payload)).toEqual({ type: "flags.changed", projectId: "p", planId: "x", truncated: true });
  });
});
