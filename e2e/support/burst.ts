import { randomBytes } from "node:crypto";
import { callApi } from "./api-client";
import type { ServerProcess } from "./processes";

// Pipelines hammering the API: no-go decisions in a chain (each sent with the version the last
// answer gave) and checklist ticks, every call with its own request id, recorded with what the
// client saw. A call without an answer (the server died under it) is recorded as lost.

export interface BurstCall {
  kind: "decision" | "tick";
  /** Name of the server the call went to. */
  via: string;
  requestId: string;
  planId: string;
  sentAt: number;
  doneAt: number;
  /** Null: no answer (connection refused or reset, or no answer in time). */
  status: number | null;
  answer: unknown;
  error?: string;
  /** Decisions: the version sent. */
  sentVersion?: number;
  /** Ticks: what was sent. */
  itemKey?: string;
  state?: string;
  evidenceUrl?: string;
}

export interface Burst {
  calls: BurstCall[];
  stop(): void;
  /** Resolves when every worker has finished its last call. */
  done: Promise<void>;
}

interface DecisionChain {
  kind: "decision";
  planId: string;
  /** Where the next call goes (it may change, e.g. once a server is gone). */
  via: () => ServerProcess;
  /** The plan's version as a client reloading the page would read it. */
  reload: () => Promise<number>;
}

interface TickChain {
  kind: "tick";
  planId: string;
  checklistId: string;
  itemKey: string;
  via: () => ServerProcess;
}

export type Chain = DecisionChain | TickChain;

const runTag = randomBytes(3).toString("hex");

export function startBurst(token: string, chains: Chain[]): Burst {
  const calls: BurstCall[] = [];
  let stopped = false;
  let counter = 0;

  async function call(
    chain: Chain,
    extra: Partial<BurstCall>,
    method: string,
    path: string,
    body: unknown,
  ): Promise<BurstCall> {
    const server = chain.via();
    const requestId = `burst-${runTag}-${chain.kind[0]}${++counter}`;
    const record: BurstCall = {
      kind: chain.kind,
      via: server.name,
      requestId,
      planId: chain.planId,
      sentAt: Date.now(),
      doneAt: 0,
      status: null,
      answer: null,
      ...extra,
    };
    try {
      const answer = await callApi(server.base, method, path, {
        token,
        requestId,
        body: typeof body === "function" ? (body as (id: string) => unknown)(requestId) : body,
      });
      record.status = answer.status;
      record.answer = answer.body;
    } catch (error) {
      record.error = String(error);
    }
    record.doneAt = Date.now();
    calls.push(record);
    return record;
  }

  async function decide(chain: DecisionChain) {
    let version = await chain.reload();
    while (!stopped) {
      const sent = version;
      const record = await call(
        chain,
        { sentVersion: sent },
        "POST",
        `/api/v1/plans/${chain.planId}/decisions`,
        (id: string) => ({ kind: "no_go", rationale: `Hold: burst ${id}`, version: sent }),
      );
      const answered = record.answer as { version?: number } | null;
      if (record.status === 200 && typeof answered?.version === "number") version = answered.version;
      else version = await chain.reload();
    }
  }

  async function tick(chain: TickChain) {
    let n = 0;
    while (!stopped) {
      const state = n++ % 2 === 0 ? "done" : "open";
      const evidenceUrl = `https://ci.example/burst/${runTag}/${chain.itemKey}/${n}`;
      await call(
        chain,
        { itemKey: chain.itemKey, state, evidenceUrl },
        "PATCH",
        `/api/v1/checklists/${chain.checklistId}/items/${chain.itemKey}`,
        { state, evidenceUrl },
      );
    }
  }

  const done = Promise.all(chains.map((c) => (c.kind === "decision" ? decide(c) : tick(c)))).then(() => undefined);
  return { calls, stop: () => (stopped = true), done };
}
