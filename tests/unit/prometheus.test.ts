import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  pairCounts,
  buildRangeQuery,
  cohortOf,
  describePrometheusFailure,
  FIRST_POLL_LOOKBACK_MS,
  interpretRangeAnswer,
  MAX_CATCH_UP_MS,
  MAX_POINTS_PER_SERIES,
  pointsIn,
  stepFor,
} from "@/lib/domain/prometheus";

const now = new Date("2026-11-22T12:00:07.250Z");
const matrix = (result: unknown[]) => JSON.stringify({ status: "success", data: { resultType: "matrix", result } });

describe("buildRangeQuery", () => {
  test("the first poll reaches back 15 minutes at the source's interval, on whole steps", () => {
    const q = buildRangeQuery({
      baseUrl: "http://prom:9090/",
      promql: 'sum by (cohort) (rate(errors_total{app="shop"}[1m]))',
      newestSample: null,
      now,
      intervalSeconds: 15,
    })!;
    expect(q.url.origin + q.url.pathname).toBe("http://prom:9090/api/v1/query_range");
    expect(q.url.searchParams.get("query")).toBe('sum by (cohort) (rate(errors_total{app="shop"}[1m]))');
    expect(q.stepSeconds).toBe(15);
    expect(q.url.searchParams.get("step")).toBe("15");
    expect(q.start).toEqual(new Date("2026-11-22T11:45:15Z"));
    expect(q.url.searchParams.get("start")).toBe(String(q.start.getTime() / 1000));
    expect(q.url.searchParams.get("end")).toBe("1795348807.25");
    expect(now.getTime() - q.start.getTime()).toBeLessThanOrEqual(FIRST_POLL_LOOKBACK_MS);
  });

  test("a path prefix is kept; later polls start after the newest stored sample", () => {
    const newest = new Date("2026-11-22T11:59:30Z");
    const q = buildRangeQuery({
      baseUrl: "https://metrics.example.com/prometheus",
      promql: "up",
      newestSample: newest,
      now,
      intervalSeconds: 15,
    })!;
    expect(q.url.pathname).toBe("/prometheus/api/v1/query_range");
    expect(q.start).toEqual(new Date("2026-11-22T11:59:45Z"));
    expect(pointsIn(q)).toBe(2);
  });

  test("never before the active phase started: earlier data is history", () => {
    const phaseStart = new Date("2026-11-22T11:55:07Z");
    const q = buildRangeQuery({
      baseUrl: "http://p",
      promql: "up",
      newestSample: null,
      now,
      intervalSeconds: 15,
      notBefore: phaseStart,
    })!;
    expect(q.start.getTime()).toBeGreaterThanOrEqual(phaseStart.getTime());
    expect(q.start).toEqual(new Date("2026-11-22T11:55:15Z"));
  });

  test("nothing is asked before the next step is due", () => {
    expect(
      buildRangeQuery({
        baseUrl: "http://p",
        promql: "up",
        newestSample: new Date("2026-11-22T12:00:00Z"),
        now,
        intervalSeconds: 15,
      }),
    ).toBeNull();
  });

  test("a poller down for a week catches up on the last day only, coarser", () => {
    const q = buildRangeQuery({
      baseUrl: "http://p",
      promql: "up",
      newestSample: new Date(now.getTime() - 7 * 86_400_000),
      now,
      intervalSeconds: 15,
    })!;
    expect(now.getTime() - q.start.getTime()).toBeLessThanOrEqual(MAX_CATCH_UP_MS);
    expect(q.stepSeconds).toBe(87);
    expect(pointsIn(q)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
  });

  test("property: never more than the point budget per series, never finer than the interval, points on whole steps", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
        fc.option(fc.integer({ min: 0, max: 400 * 86_400_000 }), { nil: null }),
        fc.integer({ min: 5, max: 3600 }),
        (nowMs, age, interval) => {
          const q = buildRangeQuery({
            baseUrl: "http://p",
            promql: "up",
            newestSample: age === null ? null : new Date(nowMs - age),
            now: new Date(nowMs),
            intervalSeconds: interval,
          });
          if (q === null) return;
          expect(Number.isInteger(q.stepSeconds)).toBe(true);
          expect(q.stepSeconds).toBeGreaterThanOrEqual(interval);
          expect(pointsIn(q)).toBeGreaterThanOrEqual(1);
          expect(pointsIn(q)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
          expect(q.start.getTime() % (q.stepSeconds * 1000)).toBe(0);
          if (age !== null) expect(q.start.getTime()).toBeGreaterThan(nowMs - age);
        },
      ),
    );
  });

  test("property: stepFor is monotone in the window", () => {
    fc.assert(
      fc.property(fc.nat(10 ** 10), fc.nat(10 ** 10), fc.integer({ min: 1, max: 3600 }), (a, b, interval) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(stepFor(lo, interval)).toBeLessThanOrEqual(stepFor(hi, interval));
      }),
    );
  });
});

describe("cohortOf", () => {
  test.each([
    [{ cohort: "baseline" }, "baseline"],
    [{ cohort: "Baseline" }, "baseline"],
    [{ cohort: "canary" }, "canary"],
    [{ track: "stable" }, "baseline"],
    [{ track: "canary" }, "canary"],
    [{ deployment: "baseline" }, "baseline"],
    [{ deployment: "shop-v2" }, "canary"],
    [{ job: "stable" }, "canary"],
    [{}, "canary"],
  ] as const)("%j → %s", (labels, cohort) => {
    expect(cohortOf(labels)).toBe(cohort);
  });
});

describe("interpretRangeAnswer", () => {
  test("one series per cohort becomes samples; NaN and infinities are dropped", () => {
    const answer = interpretRangeAnswer(
      200,
      "OK",
      matrix([
        {
          metric: { __name__: "error_ratio", cohort: "canary", job: "shop" },
          values: [
            [1795348800, "0.4"],
            [1795348815.5, "NaN"],
            [1795348830, "0.5"],
          ],
        },
        {
          metric: { __name__: "error_ratio", cohort: "baseline", job: "shop" },
          values: [
            [1795348800, "+Inf"],
            [1795348815, "-Inf"],
            [1795348830, "1e-3"],
          ],
        },
      ]),
    );
    expect(answer).toEqual({
      ok: true,
      series: 2,
      dropped: 3,
      warnings: [],
      samples: [
        { cohort: "canary", ts: new Date(1795348800_000), value: 0.4 },
        { cohort: "canary", ts: new Date(1795348830_000), value: 0.5 },
        { cohort: "baseline", ts: new Date(1795348830_000), value: 0.001 },
      ],
    });
  });

  test("an empty matrix is no samples, not an error", () => {
    expect(interpretRangeAnswer(200, "OK", matrix([]))).toEqual({
      ok: true,
      samples: [],
      series: 0,
      dropped: 0,
      warnings: [],
    });
  });

  test("two series for one cohort: the user is told to aggregate", () => {
    const answer = interpretRangeAnswer(
      200,
      "OK",
      matrix([
        { metric: { __name__: "errors", instance: "a:80" }, values: [[1, "1"]] },
        { metric: { __name__: "errors", instance: "b:80" }, values: [[1, "2"]] },
      ]),
    );
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.error).toContain("2 series for the canary cohort");
      expect(answer.error).toContain('errors{instance="a:80"}');
      expect(answer.error).toContain("sum by (cohort)");
    }
  });

  test.each([
    [
      400,
      "Bad Request",
      JSON.stringify({ status: "error", errorType: "bad_data", error: 'parse error at char 5: unexpected "}"' }),
      "Prometheus refused the query (bad_data, HTTP 400); check the PromQL query (an administrator can see Prometheus's answer)",
    ],
    [
      422,
      "Unprocessable Entity",
      JSON.stringify({
        status: "error",
        errorType: "execution",
        error: "query processing would load too many samples",
      }),
      "Prometheus refused the query (execution, HTTP 422)",
    ],
    [502, "Bad Gateway", "<html>upstream down</html>", "HTTP 502 Bad Gateway from the query_range API"],
    [404, "Not Found", "", "HTTP 404 Not Found from the query_range API"],
    [
      200,
      "OK",
      "<html>Grafana</html>",
      "The answer is not JSON: is the base URL a Prometheus server (the part before /api/v1)?",
    ],
    [
      200,
      "OK",
      JSON.stringify({ hello: "world" }),
      'The answer is not a Prometheus API response (no status "success" with data)',
    ],
    [
      200,
      "OK",
      JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }),
      "Expected a range vector (matrix) but Prometheus answered with a vector",
    ],
    [
      200,
      "OK",
      matrix([{ metric: {}, values: [["x", 1]] }]),
      'The matrix in Prometheus\'s answer is malformed (expected series of [unix seconds, "value"] pairs)',
    ],
  ])("HTTP %i %s → error in words", (status, statusText, body, error) => {
    expect(interpretRangeAnswer(status, statusText, body)).toEqual({ ok: false, error });
  });

  test("property: every returned sample is finite and each cohort appears at most once per instant", () => {
    const value = fc.oneof(fc.double().map(String), fc.constantFrom("NaN", "+Inf", "-Inf", ""));
    const series = (cohort: string) =>
      fc
        .array(fc.tuple(fc.integer({ min: 0, max: 2_000_000_000 }), value), { maxLength: 30 })
        .map((values) => ({ metric: { cohort }, values: [...new Map(values).entries()] }));
    fc.assert(
      fc.property(series("canary"), series("baseline"), (canary, baseline) => {
        const answer = interpretRangeAnswer(200, "OK", matrix([canary, baseline]));
        expect(answer.ok).toBe(true);
        if (!answer.ok) return;
        expect(answer.samples.length + answer.dropped).toBe(canary.values.length + baseline.values.length);
        for (const s of answer.samples) expect(Number.isFinite(s.value)).toBe(true);
        const keys = answer.samples.map((s) => `${s.cohort}|${s.ts.getTime()}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});

describe("describePrometheusFailure", () => {
  const url = new URL("http://prom.internal:9090/api/v1/query_range");
  const failed = (code: string) =>
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error(`connect ${code} 10.0.0.1:9090`), { code }),
    });
  test.each([
    [failed("ECONNREFUSED"), "Connection refused by prom.internal:9090: is Prometheus running there?"],
    [failed("ENOTFOUND"), "Host not found: prom.internal"],
    [failed("ECONNRESET"), "prom.internal:9090 closed the connection before answering"],
    [
      Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }),
      "No answer from prom.internal:9090 within 5 s",
    ],
    [new TypeError("fetch failed"), "Request to prom.internal:9090 failed: fetch failed"],
  ])("%s", (error, words) => {
    expect(describePrometheusFailure(error, url, 5000)).toBe(words);
  });
});

describe("pairCounts", () => {
  const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 12, m));
  test("pairs errors and requests point by point; unmatched, empty and overshooting points are dropped and counted", () => {
    const result = pairCounts(
      [
        { cohort: "canary", ts: at(0), value: 3 },
        { cohort: "baseline", ts: at(0), value: 1 },
        { cohort: "canary", ts: at(1), value: 2 }, // no requests that minute
        { cohort: "canary", ts: at(2), value: 9 }, // more errors than requests
        { cohort: "canary", ts: at(3), value: 1 }, // the requests query has no point here
      ],
      [
        { cohort: "baseline", ts: at(0), value: 400 },
        { cohort: "canary", ts: at(0), value: 100 },
        { cohort: "canary", ts: at(1), value: 0 },
        { cohort: "canary", ts: at(2), value: 8 },
        { cohort: "canary", ts: at(4), value: 50 }, // no errors point here
      ],
    );
    expect(result.counts).toEqual([
      { cohort: "canary", ts: at(0), numerator: 3, denominator: 100 },
      { cohort: "baseline", ts: at(0), numerator: 1, denominator: 400 },
    ]);
    expect(result.dropped).toBe(4);
  });
});
