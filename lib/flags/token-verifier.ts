import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { looksLikeApiToken, type TokenStanding, tokenRefusal } from "@/lib/auth/api-token";
import { type CheckedToken, loadTokenById, loadTokenForCheck } from "@/lib/auth/token-lookup";
import { streamKeyMatches } from "@/lib/ofrep/stream-key";
import type { HubMessage } from "@/lib/live/hub";
import type { Subscribe } from "./store";

// Token checks for flag evaluation, which runs at request rates where one database read per
// request would be the bottleneck: a token's row is kept in memory once read, and dropped when
// PostgreSQL announces that a token was revoked. Unknown tokens are remembered briefly, so a
// client with a wrong token cannot turn every request into a query.

const UNKNOWN_TTL_MS = 5_000;
const LAST_USED_PRECISION_MS = 60_000;
// A backstop for missed revocation notices: a known token is read again after this long.
const KNOWN_TTL_MS = 60_000;
// While the database does not answer, a known token's row is read again this often.
const RETRY_MS = 2_000;
// Changes after which a token read before may no longer hold: a revocation, or its creator
// disabled or losing their role in the project.
const FORGET_ON = new Set(["token.revoked", "access.changed"]);

export type TokenCheck =
  | { ok: true; tokenId: string; projectId: string; scopes: readonly string[] }
  | { ok: false; status: 401 | 403; reason: string };

interface Known extends TokenStanding {
  id: string;
  tokenHash: string;
  projectId: string;
  scopes: string[];
  lastUsedAt: Date | null;
  readAt: number;
}

/** What is kept of a token's row: its standing and scopes, and when it was read. */
const knownFrom = (row: CheckedToken, now: Date): Known => ({
  id: row.id,
  tokenHash: row.tokenHash,
  projectId: row.projectId,
  scopes: row.scopes,
  revokedAt: row.revokedAt,
  expiresAt: row.expiresAt,
  creator: row.creator,
  lastUsedAt: row.lastUsedAt,
  readAt: now.getTime(),
});

/** Records that a token was used (the app writes it; an edge, which writes nothing, announces it). */
export type RecordTokenUse = (token: { id: string; projectId: string }, at: Date) => Promise<unknown>;

export class TokenVerifier {
  private readonly known = new Map<string, Known>();
  private readonly unknown = new Map<string, number>();
  // Event streams name their token by id: the rows read that way, by id.
  private readonly knownById = new Map<string, Known>();
  private readonly forgetListeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;

  private readonly knownTtlMs: number;
  private readonly retryMs: number;

  private readonly staleAfterMs: number | undefined;
  private readonly recordUse: RecordTokenUse;

  /**
   * `staleAfterMs`: how long a request waits for a known token's row to be read again before the
   * row as last read answers (unset: as long as the read takes). A hanging database must not
   * hold requests that a token read a minute ago can answer.
   */
  constructor(
    private readonly db: Database,
    timing: { knownTtlMs?: number; retryMs?: number; staleAfterMs?: number } = {},
    recordUse?: RecordTokenUse,
  ) {
    this.knownTtlMs = timing.knownTtlMs ?? KNOWN_TTL_MS;
    this.retryMs = timing.retryMs ?? RETRY_MS;
    this.staleAfterMs = timing.staleAfterMs;
    this.recordUse =
      recordUse ?? ((token, at) => this.db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, token.id)));
  }

  async follow(subscribe: Subscribe): Promise<void> {
    this.unsubscribe = await subscribe((message: HubMessage) => {
      if (message.kind === "resync" || FORGET_ON.has(message.event.type)) this.forget();
    });
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  forget() {
    this.known.clear();
    this.unknown.clear();
    this.knownById.clear();
    for (const listener of this.forgetListeners) listener();
  }

  /** Hears each time every token read before must be read again (a revocation, a role change). */
  onForget(listener: () => void): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /**
   * Checks an OFREP event stream's credential: the token's id and the key derived from it (see
   * stream-key.ts), with the same standing and scope rules as `check`.
   */
  async checkStream(
    tokenId: string | null,
    key: string | null,
    scope: string,
    now: Date = new Date(),
  ): Promise<TokenCheck> {
    const refused = {
      ok: false as const,
      status: 401 as const,
      reason: "The event stream's token or key is not valid; take the URL from a bulk evaluation answer",
    };
    if (!tokenId || !key || !/^[0-9a-f-]{36}$/i.test(tokenId) || key.length > 100) return refused;
    let token = this.knownById.get(tokenId);
    if (!token || now.getTime() - token.readAt > this.knownTtlMs) {
      try {
        const row = await loadTokenById(this.db, tokenId);
        if (!row) {
          this.knownById.delete(tokenId);
          return refused;
        }
        token = knownFrom(row, now);
        if (this.knownById.size > 10_000) this.knownById.clear();
        this.knownById.set(tokenId, token);
      } catch (error) {
        // The database is away: a token read before stays as it was (nobody can revoke it meanwhile).
        if (!token) throw error;
        token.readAt = now.getTime() - this.knownTtlMs + this.retryMs;
      }
    }
    if (!streamKeyMatches(token.tokenHash, token.id, key)) return refused;
    const refusal = tokenRefusal(token, now);
    if (refusal) return { ok: false, status: 401, reason: refusal };
    if (!token.scopes.includes(scope))
      return { ok: false, status: 403, reason: `The API token lacks the ${scope} scope` };
    return { ok: true, tokenId: token.id, projectId: token.projectId, scopes: token.scopes };
  }

  async check(presented: string | null, scope: string, now: Date = new Date()): Promise<TokenCheck> {
    if (!presented)
      return { ok: false, status: 401, reason: "Send an API token as `Authorization: Bearer <token>` or `X-API-Key`" };
    // Keyed by the presented token itself, so a cached token costs no hashing per request.
    if (!looksLikeApiToken(presented)) return { ok: false, status: 401, reason: "The API token is not valid" };
    let token = this.known.get(presented);
    if (!token || now.getTime() - token.readAt > this.knownTtlMs) {
      if (!token) {
        const until = this.unknown.get(presented);
        if (until && until > now.getTime()) return { ok: false, status: 401, reason: "The API token is not valid" };
      }
      const read = await this.read(presented, now, token);
      if (!read) return { ok: false, status: 401, reason: "The API token is not valid" };
      token = read;
    }
    const refusal = tokenRefusal(token, now);
    if (refusal) return { ok: false, status: 401, reason: refusal };
    if (!token.scopes.includes(scope))
      return { ok: false, status: 403, reason: `The API token lacks the ${scope} scope` };
    // Last use to the minute, written in the background: never on the request's path.
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      token.lastUsedAt = now;
      void this.recordUse(token, now).catch(() => {});
    }
    return { ok: true, tokenId: token.id, projectId: token.projectId, scopes: token.scopes };
  }
  /**
   * Reads the token's row and remembers it; null when there is no such token. When the database
   * does not answer, a token already known stays as it was last read (nobody can revoke it while
   * the database is away) and is read again after a short wait; an unknown one cannot be checked.
   */
  private async read(presented: string, now: Date, previous: Known | undefined): Promise<Known | null> {
    let row: CheckedToken | null;
    try {
      row = await this.readRow(presented, previous !== undefined);
    } catch (error) {
      if (!previous) throw error;
      previous.readAt = now.getTime() - this.knownTtlMs + this.retryMs;
      return previous;
    }
    if (!row) {
      this.known.delete(presented);
      if (this.unknown.size > 10_000) this.unknown.clear();
      this.unknown.set(presented, now.getTime() + UNKNOWN_TTL_MS);
      return null;
    }
    const token = knownFrom(row, now);
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(presented, token);
    return token;
  }

  private async readRow(presented: string, fallbackHeld: boolean): Promise<CheckedToken | null> {
    const reading = loadTokenForCheck(this.db, presented);
    if (this.staleAfterMs === undefined || !fallbackHeld) return reading;
    reading.catch(() => {}); // when the wait below gives up first, nobody else awaits it
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.staleAfterMs} ms`)), this.staleAfterMs);
    });
    try {
      return await Promise.race([reading, slow]);
    } finally {
      clearTimeout(timer);
    }
  }
}
