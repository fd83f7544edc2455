import { afterAll, beforeAll } from "vitest";

/**
 * The test's own receivers and Prometheus listen on 127.0.0.1, which the egress guard refuses
 * unless the operator allows it: these tests allow it the way an operator would.
 */
export function allowLoopbackEgress(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.PHASEGATE_EGRESS_ALLOW;
    process.env.PHASEGATE_EGRESS_ALLOW = "127.0.0.1";
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PHASEGATE_EGRESS_ALLOW;
    else process.env.PHASEGATE_EGRESS_ALLOW = saved;
  });
}
