import { callApi, pause } from "./api-client";

// Pipelines pushing KPI batches without pause (a tenth of a second between a batch's answer and
// the next), each batch with its own request id and a second of timestamps no other batch uses,
// so what the database holds can be told apart batch by batch afterwards.

export interface IngestCall {
  /** Batch number: its samples are at origin + n seconds (+ k ms for the k-th). */
  n: number;
  requestId: string;
  sentAt: number;
  doneAt: number;
  /** Null: no answer within the client's deadline, or the connection failed. */
  status: number | null;
  retryAfter: string | null;
  /** The error code of a refused batch. */
  code: string | null;
  error?: string;
}

export interface Ingest {
  calls: IngestCall[];
  stop(): void;
  done: Promise<void>;
}

export function startIngest(
  base: string,
  token: string,
  plan: string,
  {
    origin,
    size,
    pipelines,
    timeoutMs = 30_000,
  }: { origin: number; size: number; pipelines: number; timeoutMs?: number },
): Ingest {
  const calls: IngestCall[] = [];
  let next = 0;
  let stopped = false;
  const pipeline = async () => {
    while (!stopped) {
      const n = next++;
      const call: IngestCall = {
        n,
        requestId: `ingest-${process.pid}-${n}`,
        sentAt: Date.now(),
        doneAt: 0,
        status: null,
        retryAfter: null,
        code: null,
      };
      const samples = Array.from({ length: size }, (_, k) => ({
        metric: "error_rate",
        ts: origin + n * 1000 + k,
        value: 0.4,
      }));
      try {
        const answer = await callApi(base, "POST", "/api/v1/metrics", {
          token,
          requestId: call.requestId,
          body: { plan, samples },
          timeoutMs,
        });
        call.status = answer.status;
        call.retryAfter = answer.headers.get("retry-after");
        call.code = (answer.body as { error?: { code?: string } } | null)?.error?.code ?? null;
      } catch (error) {
        call.error = String(error);
      }
      call.doneAt = Date.now();
      calls.push(call);
      await pause(100);
    }
  };
  const done = Promise.all(Array.from({ length: pipelines }, pipeline)).then(() => undefined);
  return { calls, stop: () => (stopped = true), done };
}
