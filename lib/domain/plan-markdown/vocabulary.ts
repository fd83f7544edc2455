import type { DocMetric } from "./schema";

// The words teams use for the KPIs every rollout watches, in English and Indonesian, mapped to
// one key each, so "tingkat error", "error rate" and "5xx rate" are the same KPI and a rollback
// criterion finds the KPI a table defined under another name.

export interface KpiWord {
  key: string;
  label: string;
  direction: DocMetric["direction"];
  /** The unit the KPI is usually kept in, when a document gives none. */
  unit: string;
  /** Lowercase phrases (whole words) that name it; the longest match in a text wins. */
  words: readonly string[];
}

export const KPI_WORDS: readonly KpiWord[] = [
  {
    key: "error_rate",
    label: "Error rate",
    direction: "lower_is_better",
    unit: "%",
    words: [
      "error rate",
      "errors rate",
      "tingkat error",
      "tingkat kesalahan",
      "persentase error",
      "rasio error",
      "error ratio",
      "5xx rate",
      "5xx errors",
      "http errors",
      "http 5xx",
      "http error rate",
      "failure rate",
      "tingkat kegagalan",
      "error",
      "errors",
      "kesalahan",
      "5xx",
    ],
  },
  {
    key: "p95_latency",
    label: "Response time (p95)",
    direction: "lower_is_better",
    unit: "ms",
    words: [
      "response time",
      "response times",
      "waktu respons",
      "waktu respon",
      "waktu tanggap",
      "latency",
      "latencies",
      "latensi",
      "p95 latency",
      "latency p95",
      "p95",
      "response latency",
      "api latency",
    ],
  },
  {
    key: "p99_latency",
    label: "Response time (p99)",
    direction: "lower_is_better",
    unit: "ms",
    words: ["p99 latency", "latency p99", "p99", "latensi p99"],
  },
  {
    key: "availability",
    label: "Availability",
    direction: "higher_is_better",
    unit: "%",
    words: ["availability", "uptime", "ketersediaan", "ketersediaan layanan", "service availability"],
  },
  {
    key: "cpu_usage",
    label: "CPU usage",
    direction: "lower_is_better",
    unit: "%",
    words: [
      "cpu usage",
      "cpu utilization",
      "cpu utilisation",
      "penggunaan cpu",
      "pemakaian cpu",
      "utilisasi cpu",
      "beban cpu",
      "cpu load",
      "cpu",
    ],
  },
  {
    key: "memory_usage",
    label: "Memory usage",
    direction: "lower_is_better",
    unit: "%",
    words: [
      "memory usage",
      "memory utilization",
      "penggunaan memori",
      "pemakaian memori",
      "penggunaan ram",
      "ram usage",
      "memori",
      "memory",
      "ram",
    ],
  },
  {
    key: "crash_free_sessions",
    label: "Crash-free sessions",
    direction: "higher_is_better",
    unit: "%",
    words: ["crash-free sessions", "crash free sessions", "crash-free users", "crash free rate", "sesi bebas crash"],
  },
  {
    key: "crash_rate",
    label: "Crash rate",
    direction: "lower_is_better",
    unit: "%",
    words: ["crash rate", "tingkat crash", "app crashes", "crashes", "crash"],
  },
  {
    key: "conversion_rate",
    label: "Conversion rate",
    direction: "higher_is_better",
    unit: "%",
    words: ["conversion rate", "tingkat konversi", "konversi", "conversion"],
  },
  {
    key: "transaction_success_rate",
    label: "Transaction success rate",
    direction: "higher_is_better",
    unit: "%",
    words: [
      "transaction success rate",
      "tingkat keberhasilan transaksi",
      "keberhasilan transaksi",
      "payment success rate",
      "tingkat keberhasilan pembayaran",
      "keberhasilan pembayaran",
    ],
  },
  {
    key: "throughput",
    label: "Throughput",
    direction: "higher_is_better",
    unit: "rps",
    words: ["throughput", "requests per second", "request per second", "permintaan per detik", "rps", "tps", "qps"],
  },
];

// Every phrase with its KPI, longest first, so "error rate" is tried before "error".
const PHRASES = KPI_WORDS.flatMap((kpi) => kpi.words.map((word) => ({ word, kpi }))).sort(
  (a, b) => b.word.length - a.word.length,
);

/** Lowercase words separated by single spaces, for whole-word matching. */
export function wordsOf(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%-]+/gu, " ")
    .trim()} `;
}

const P99 = KPI_WORDS.find((k) => k.key === "p99_latency")!;

/** The KPI a text names (its longest known phrase), or null. "p99" makes any latency the p99. */
export function kpiNamed(text: string): KpiWord | null {
  const words = wordsOf(text.slice(0, 400));
  for (const { word, kpi } of PHRASES) {
    if (!words.includes(` ${word} `)) continue;
    return kpi.key === "p95_latency" && words.includes(" p99 ") ? P99 : kpi;
  }
  return null;
}
