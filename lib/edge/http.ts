import type http from "node:http";
import type { BodyRead } from "@/lib/ofrep/handler";

// The node:http plumbing the edge needs and a web framework would otherwise give it.

export function headersOf(req: http.IncomingMessage): Pick<Headers, "get"> {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The request body up to `maxBytes`; past that, reading stops. */
export function readCapped(req: http.IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      try {
        resolve({ ok: true, text: utf8.decode(Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, reason: "not_utf8" });
      }
    });
    req.once("error", reject);
  });
}

export function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | null) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, body === null ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body ?? undefined);
}

export const JSON_NO_STORE = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

/** `promise`, or `fallback` once `ms` have passed; never rejects. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}
