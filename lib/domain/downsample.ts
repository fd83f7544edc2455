// Long series are reduced in SQL (date_bin) to at most `maxPoints` buckets per series, so the
// browser draws the same number of points whether a series holds a thousand samples or a million.

const NICE_STEPS_SECONDS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

export const DEFAULT_MAX_POINTS = 500;

/** The smallest "nice" bucket width (seconds) that splits [from, to] into at most maxPoints buckets. */
export function bucketSeconds(from: Date, to: Date, maxPoints: number = DEFAULT_MAX_POINTS): number {
  if (!(maxPoints >= 1)) throw new RangeError("maxPoints must be at least 1");
  const span = Math.max(0, (to.getTime() - from.getTime()) / 1000);
  const needed = span / maxPoints;
  for (const step of NICE_STEPS_SECONDS) if (step >= needed) return step;
  return Math.ceil(needed / 86400) * 86400;
}

/** How many buckets of `bucket` seconds cover [from, to], counting partial buckets at both ends. */
export function bucketCount(from: Date, to: Date, bucket: number): number {
  const start = Math.floor(from.getTime() / 1000 / bucket);
  const end = Math.floor(to.getTime() / 1000 / bucket);
  return end - start + 1;
}
