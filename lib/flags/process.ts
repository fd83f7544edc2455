import "server-only";
import { getDb } from "@/db/client";
import { processHub } from "@/lib/live/process-hub";
import { OfrepEventStreams } from "@/lib/ofrep/event-streams";
import type { OfrepDeps } from "@/lib/ofrep/handler";
import { RateLimiter } from "@/lib/ofrep/rate-limit";
import { FlagStore } from "./store";
import { TokenVerifier } from "./token-verifier";

// The app process's flag evaluator: the same store and token cache as an edge evaluator, fed by
// the process's one LISTEN connection.
const key = Symbol.for("phasegate.flags.deps");

export function processFlagDeps(): Promise<OfrepDeps> {
  const slot = globalThis as Record<symbol, Promise<OfrepDeps> | undefined>;
  slot[key] ??= (async () => {
    const { db } = await getDb();
    const flags = new FlagStore(db);
    const tokens = new TokenVerifier(db);
    const hub = processHub();
    const subscribe = (fn: Parameters<typeof hub.subscribe>[1]) => hub.subscribe("*", fn);
    await flags.follow(subscribe);
    await tokens.follow(subscribe);
    const streams = new OfrepEventStreams(flags, tokens);
    return { flags, tokens, limiter: RateLimiter.fromEnv(process.env), streams };
  })().catch((error: unknown) => {
    slot[key] = undefined; // the next request tries again
    throw error;
  });
  return slot[key];
}

/** At shutdown: ends the OFREP event streams, each told to reconnect (to another instance). */
export async function closeFlagEventStreams(): Promise<void> {
  const deps = await (globalThis as Record<symbol, Promise<OfrepDeps> | undefined>)[key]?.catch(() => null);
  deps?.streams?.closeAll();
}
