import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase } from "@/db/client";
import { apiTokens, projects, users } from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { TOKEN_SCOPES, type TokenScope } from "@/lib/auth/permissions";
import { loadUserActor } from "@/lib/auth/user-actor";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";

// The fuzz run's own PostgreSQL database: created on TEST_DATABASE_URL's server, migrated, loaded
// with the demo, given API tokens (valid ones per scope, and revoked and expired ones) through
// lib/services/tokens.ts, and dropped afterwards. A separate postgres.js connection observes it:
// real ids for path parameters, and the row count of every table (the refusal oracle).

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface FuzzDatabase {
  /** URL of the created database (for the server's DATABASE_URL). */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createFuzzDatabase(serverUrl: string): Promise<FuzzDatabase> {
  const name = `phasegate_fuzz_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabaseName(serverUrl, name),
    name,
    async drop() {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}

export type TokenKind = "scoped" | "all" | "other-project" | "revoked" | "expired" | "no-scope-match";

export interface FuzzTokens {
  /** One token per scope, in the main project (checkout). */
  byScope: Record<TokenScope, string>;
  /** Every scope, main project. */
  all: string;
  /** Every scope, another project (search-api). */
  otherProject: string;
  revoked: string;
  expired: string;
}

export interface SeededIds {
  mainProjectId: string;
  otherProjectId: string;
  tokens: FuzzTokens;
}

/** Migrates, loads the demo and issues the tokens; returns what the run needs to know. */
export async function seedFuzzDatabase(url: string): Promise<SeededIds> {
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 4 });
  try {
    await handle.migrate();
    const seeded = await seedDemo(handle.db);
    if (!seeded) throw new Error("the fuzz database already holds data");
    const db = handle.db;
    const [main] = await db.select().from(projects).where(eq(projects.slug, "checkout"));
    const [other] = await db.select().from(projects).where(eq(projects.slug, "search-api"));
    const [admin] = await db.select().from(users).where(eq(users.email, "admin@phasegate.local"));
    if (!main || !other || !admin)
      throw new Error("the demo did not load the checkout and search-api projects and the admin");
    const actor = await loadUserActor(db, admin.id);
    if (!actor) throw new Error("cannot load the demo admin");
    const ctx = { db, actor, requestId: null };
    const issue = async (projectId: string, name: string, scopes: readonly TokenScope[], expiresInDays?: number) =>
      createApiToken(ctx, { projectId, name, scopes: [...scopes], ...(expiresInDays ? { expiresInDays } : {}) });

    const byScope = {} as Record<TokenScope, string>;
    for (const scope of TOKEN_SCOPES) byScope[scope] = (await issue(main.id, `fuzz ${scope}`, [scope], 30)).token;
    const all = (await issue(main.id, "fuzz all scopes", TOKEN_SCOPES, 30)).token;
    const otherProject = (await issue(other.id, "fuzz other project", TOKEN_SCOPES, 30)).token;
    const revokedToken = await issue(main.id, "fuzz revoked", TOKEN_SCOPES, 30);
    await revokeApiToken(ctx, { tokenId: revokedToken.id });
    // An expired token: issued for a day, then its expiry moved into the past (no service sets a past date).
    const expiredToken = await issue(main.id, "fuzz expired", TOKEN_SCOPES, 1);
    await db
      .update(apiTokens)
      .set({ expiresAt: sql`now() - interval '1 hour'` })
      .where(eq(apiTokens.id, expiredToken.id));
    return {
      mainProjectId: main.id,
      otherProjectId: other.id,
      tokens: { byScope, all, otherProject, revoked: revokedToken.token, expired: expiredToken.token },
    };
  } finally {
    await handle.close();
  }
}

export interface PlanRow {
  id: string;
  projectId: string;
  version: number;
  status: string;
}

export interface ChecklistRow {
  id: string;
  projectId: string;
  keys: string[];
}

export interface LiveIds {
  plans: PlanRow[];
  checklists: ChecklistRow[];
  flagKeys: { projectId: string; key: string }[];
  metricKeys: { planId: string; key: string }[];
}

/** The separate connection the oracle reads through: ids for requests, and row counts. */
export class Observer {
  private readonly sql: postgres.Sql;
  private tables: string[] | null = null;

  constructor(url: string) {
    this.sql = postgres(url, {
      max: 1,
      onnotice: () => {},
      connect_timeout: 10,
      connection: { application_name: "phasegate-fuzz-observer" },
    });
  }

  /** Row count of every table in the public schema, in one statement. */
  async counts(): Promise<Map<string, number>> {
    this.tables ??= (
      await this.sql<
        { name: string }[]
      >`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`
    ).map((r) => r.name);
    if (!this.tables.length) return new Map();
    const query = this.tables
      .map(
        (t) => `select '${t.replace(/'/g, "''")}' as t, count(*)::bigint as n from public."${t.replace(/"/g, '""')}"`,
      )
      .join(" union all ");
    const rows = await this.sql.unsafe<{ t: string; n: string }[]>(query);
    return new Map(rows.map((r) => [r.t, Number(r.n)]));
  }

  /** True when the database answers (a 503 is acceptable only when it does not). */
  async alive(): Promise<boolean> {
    try {
      await this.sql`select 1`;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Ids in a stable order (natural keys first, not uuids: the demo's rows share one created_at),
   * so "the n-th plan" is the same plan in every run with the same seed.
   */
  async ids(): Promise<LiveIds> {
    const plans = await this.sql<PlanRow[]>`
      select p.id::text as id, p.project_id::text as "projectId", p.version, p.status::text as status
      from plans p join projects pr on pr.id = p.project_id
      order by pr.slug, p.created_at, p.name, p.release_version, p.id`;
    const checklists = await this.sql<ChecklistRow[]>`
      select c.id::text as id, p.project_id::text as "projectId",
             coalesce(array_agg(i.key order by i.position, i.key) filter (where i.key is not null), '{}') as keys
      from checklists c join plans p on p.id = c.plan_id join projects pr on pr.id = p.project_id
      left join phases ph on ph.id = c.phase_id left join checklist_items i on i.checklist_id = c.id
      group by c.id, p.project_id, pr.slug, p.created_at, p.name, ph.position, c.position, c.kind, c.title
      order by pr.slug, p.created_at, p.name, coalesce(ph.position, -1), c.position, c.kind, c.title, c.id`;
    const flagKeys = await this.sql<{ projectId: string; key: string }[]>`
      select f.project_id::text as "projectId", f.key from flags f join projects pr on pr.id = f.project_id order by pr.slug, f.key`;
    const metricKeys = await this.sql<{ planId: string; key: string }[]>`
      select m.plan_id::text as "planId", m.key from metrics m join plans p on p.id = m.plan_id join projects pr on pr.id = p.project_id
      order by pr.slug, p.created_at, p.name, m.position, m.key`;
    return { plans: [...plans], checklists: [...checklists], flagKeys: [...flagKeys], metricKeys: [...metricKeys] };
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** Tables whose row count differs, as "table +n" strings. */
export function countDiff(before: Map<string, number>, after: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [table, n] of after) {
    const m = before.get(table) ?? 0;
    if (n !== m) out.push(`${table} ${n > m ? "+" : ""}${n - m}`);
  }
  for (const table of before.keys()) if (!after.has(table)) out.push(`${table} (gone)`);
  return out;
}
