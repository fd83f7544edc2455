import { setting } from "@/lib/config";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
import {
  type EgressPolicy,
  hostAllowed,
  judgeAddress,
  parseEgressAllowlist,
  refusalMessage,
} from "@/lib/domain/egress";

// The one way out of the server: every outbound HTTP request (webhook deliveries, Prometheus
// polls) goes through `egressRequest`. The address a host name resolves to is checked on the
// connection itself (request-filtering-agent validates the lookup the socket connects to), so a
// name that resolves to a public address when saved and to 10.0.0.1 when used — DNS rebinding —
// is refused all the same. Redirects are never followed, answers are capped, and every request
// has a deadline.

export interface EgressOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Bytes of the answer kept; a longer answer is cut there (`truncated`) or refused (`refuseLarger`). */
  maxResponseBytes: number;
  refuseLarger?: boolean;
  /** Tests only: the allowlist, instead of PHASEGATE_EGRESS_ALLOW. */
  policy?: EgressPolicy;
}

export interface EgressResponse {
  status: number;
  statusText: string;
  body: string;
  truncated: boolean;
}

export type EgressFailure = "refused" | "timeout" | "too_large";

/** A request the guard stopped, or that ran out of time or room. `code` lets describeFetchFailure word it. */
export class EgressError extends Error {
  readonly code: string;
  constructor(
    readonly kind: EgressFailure,
    message: string,
  ) {
    super(message);
    this.name = kind === "timeout" ? "TimeoutError" : "EgressError";
    this.code = `PHASEGATE_EGRESS_${kind.toUpperCase()}`;
  }
}

export type Egress = (url: string, options: EgressOptions) => Promise<EgressResponse>;

let cached: { text: string | undefined; policy: EgressPolicy } | null = null;

/** The instance's allowlist, from PHASEGATE_EGRESS_ALLOW (re-read when the variable changes). */
export function egressPolicy(env: NodeJS.ProcessEnv = process.env): EgressPolicy {
  const text = setting("PHASEGATE_EGRESS_ALLOW", env);
  if (!cached || cached.text !== text) cached = { text, policy: parseEgressAllowlist(text).policy };
  return cached.policy;
}

function agentFor(url: URL, policy: EgressPolicy): http.Agent {
  const trusted = hostAllowed(url.hostname.replace(/^\[(.*)\]$/, "$1"), policy);
  // A host the operator named is trusted wherever it resolves; anything else must land on a
  // public address or inside an allowed range.
  const options = {
    keepAlive: false,
    allowPrivateIPAddress: trusted,
    allowMetaIPAddress: trusted,
    allowIPAddressList: [...policy.cidrs],
  };
  return url.protocol === "https:" ? new RequestFilteringHttpsAgent(options) : new RequestFilteringHttpAgent(options);
}

/** Turns the agent's refusal ("DNS lookup 10.0.0.1(family:4, host:x) is not allowed…") into our words. */
function worded(error: unknown, policy: EgressPolicy): unknown {
  const message = error instanceof Error ? error.message : "";
  const match = /^DNS lookup (\S+?)\(family|^DNS lookup (\S+) /.exec(message);
  if (!match && !/is not allowed/.test(message)) return error;
  const address = match?.[1] ?? match?.[2];
  const verdict = address ? judgeAddress(address, policy) : null;
  return new EgressError(
    "refused",
    refusalMessage(verdict && !verdict.allowed ? verdict.reason : "the address is not public"),
  );
}

export const egressRequest: Egress = (target, options) => {
  const policy = options.policy ?? egressPolicy();
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new EgressError("refused", "Refused: not a valid URL"));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return Promise.reject(new EgressError("refused", "Refused: only http:// and https:// are allowed"));
  const agent = agentFor(url, policy);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<EgressResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      agent.destroy();
      fn();
    };
    const request = client.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        response.on("data", (chunk: Buffer) => {
          const room = options.maxResponseBytes - kept;
          if (chunk.length > room) {
            truncated = true;
            if (room > 0) chunks.push(chunk.subarray(0, room));
            kept = options.maxResponseBytes;
            response.destroy();
            if (options.refuseLarger) {
              finish(() =>
                reject(
                  new EgressError("too_large", `The answer is larger than ${formatBytes(options.maxResponseBytes)}`),
                ),
              );
              return;
            }
            done();
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        const done = () =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? "",
              body: Buffer.concat(chunks).toString("utf8"),
              truncated,
            }),
          );
        response.on("end", done);
        response.on("error", (error) => finish(() => reject(error)));
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      finish(() => reject(new EgressError("timeout", `No answer within ${options.timeoutMs} ms`)));
    }, options.timeoutMs);
    request.on("error", (error) => finish(() => reject(worded(error, policy))));
    request.end(options.body);
  });
};

/**
 * Checks a destination before it is saved, so a person hears at once that an address is off
 * limits (the connection is checked again at every request). Null when allowed; a host that does
 * not resolve now is allowed here and reported when it is used.
 */
export async function destinationProblem(
  target: string,
  policy: EgressPolicy = egressPolicy(),
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return "Enter a full URL starting with http:// or https://";
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostAllowed(host, policy)) return null;
  let addresses: string[];
  try {
    addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return null;
  }
  for (const address of addresses) {
    const verdict = judgeAddress(address, policy);
    if (!verdict.allowed) return refusalMessage(verdict.reason);
  }
  return null;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1_048_576
    ? `${Math.round(bytes / 104_857.6) / 10} MiB`
    : bytes >= 1024
      ? `${Math.round(bytes / 102.4) / 10} KiB`
      : `${bytes} bytes`;
}
