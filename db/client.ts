import { setting } from "@/lib/config";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type Logger, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { AppError, describeError, errorCode } from "../lib/errors";
import * as schema from "./schema";
import { parseDatabaseUrl } from "./url";

// The one place that picks the database: DATABASE_URL set → PostgreSQL through postgres.js;
// unset → embedded PostgreSQL (PGlite) in PGLITE_DIR. Both run the same migrations and queries.

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction of the app's database, as its callback receives it. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbKind = "pglite" | "postgres";

export interface DbConfig {
  databaseUrl?: string | undefined;
  /**
   * The owner's URL (MIGRATION_DATABASE_URL), used only to apply pending migrations; unset, the
   * DATABASE_URL role applies them itself (the single-URL quick start: that role then owns the
   * tables, the audit trail included).
   */
  migrationUrl?: string | undefined;
  /** A folder, or "memory://" for a throw-away in-memory database (tests). */
  pgliteDir?: string | undefined;
  migrationsFolder?: string | undefined;
  /** Pool size for postgres.js. */
  maxConnections?: number | undefined;
  /** Hears the text of every query sent through Drizzle (tests count the queries a page makes). */
  onQuery?: ((query: string) => void) | undefined;
}

export interface DbHandle {
  readonly kind: DbKind;
  readonly db: Database;
  /** A short description safe to print: host/port/database or the PGlite folder, never a password. */
  readonly target: string;
  migrate(): Promise<number>;
  migrationsApplied(): Promise<number>;
  /**
   * Hears NOTIFY on a channel: `onMessage` gets each payload; `onListening` runs whenever the
   * listening connection is (re)established, so a listener can catch up on what it missed.
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  /** Connections the pool may open (1 for PGlite). */
  readonly poolMax: number;
  /** PGlite only: the whole data folder as a gzipped tarball (PGlite's own dump), for backups. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

/** Rows of a raw `db.execute`: PGlite answers `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

export const DEFAULT_PGLITE_DIR = ".data/pglite";
const MIGRATION_LOCK_KEY = 7_346_201_118; // advisory lock serialising migrations across app instances

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  return {
    databaseUrl: setting("DATABASE_URL", env),
    migrationUrl: setting("MIGRATION_DATABASE_URL", env),
    pgliteDir: setting("PGLITE_DIR", env),
  };
}

export function defaultMigrationsFolder(): string {
  return path.join(process.cwd(), "db", "migrations");
}

/** host:port/database of a PostgreSQL URL, without credentials. Throws a config error if it is not one. */
export function describePostgresUrl(url: string): string {
  const parsed = parseDatabaseUrl(url, "DATABASE_URL", "postgres://user@host:5432/database");
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new AppError("config:database", `DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname || "/"}`;
}

function queryLogger(onQuery: ((query: string) => void) | undefined): Logger | false {
  return onQuery ? { logQuery: (query) => onQuery(query) } : false;
}

export async function openDatabase(config: DbConfig): Promise<DbHandle> {
  const migrationsFolder = config.migrationsFolder ?? defaultMigrationsFolder();
  if (!fs.existsSync(path.join(migrationsFolder, "meta", "_journal.json"))) {
    throw new AppError("config:database", `Migrations not found in ${migrationsFolder}; run from the project folder`);
  }
  return config.databaseUrl
    ? openPostgres(
        config.databaseUrl,
        migrationsFolder,
        config.maxConnections ?? 10,
        config.migrationUrl,
        config.onQuery,
      )
    : openPglite(config.pgliteDir ?? DEFAULT_PGLITE_DIR, migrationsFolder, config.onQuery);
}

async function countMigrations(db: Database): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

/** Migrations in the folder's journal: what a database that is up to date has applied. */
function journalLength(migrationsFolder: string): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries?: unknown[];
  };
  return journal.entries?.length ?? 0;
}

/** Applied migrations, or 0 on a database that has never been migrated. */
async function appliedOrNone(db: Database): Promise<number> {
  try {
    return await countMigrations(db);
  } catch (error) {
    if (errorCode(error) === "42P01" || errorCode(error) === "3F000") return 0;
    throw error;
  }
}

function prepareFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unknown error";
    throw new AppError(
      "config:database",
      `PGlite folder "${dir}" is not writable (${code}); set PGLITE_DIR to a writable folder or DATABASE_URL to a PostgreSQL server`,
    );
  }
}

/**
 * PGlite has no lock of its own, and two processes on one folder silently diverge: take a
 * pid lock file, and refuse a folder another live process holds.
 */
function lockFolder(dir: string): () => void {
  const lock = path.join(dir, ".phasegate.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lock, "utf8") === String(process.pid)) fs.rmSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lock, "utf8"));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new AppError(
          "config:database",
          `PGlite folder "${dir}" is in use by process ${holder}; PGlite allows one process per folder — stop it, or use DATABASE_URL for several`,
        );
      }
      fs.rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
  throw new AppError("config:database", `Could not lock PGlite folder "${dir}"`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

async function openPglite(dir: string, migrationsFolder: string, onQuery?: (query: string) => void): Promise<DbHandle> {
  const inMemory = dir.startsWith("memory://");
  if (!inMemory) prepareFolder(dir);
  const unlock = inMemory ? () => {} : lockFolder(dir);
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : dir);
  } catch (error) {
    unlock();
    throw new AppError("config:database", `PGlite could not open "${dir}": ${describeError(error)}`);
  }
  const db = drizzlePglite(client, { schema, logger: queryLogger(onQuery) }) as unknown as Database;
  return {
    kind: "pglite",
    db,
    target: inMemory ? "in-memory PGlite" : `PGlite at ${path.resolve(dir)}`,
    poolMax: 1,
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
      return countMigrations(db);
    },
    migrationsApplied: () => countMigrations(db),
    dumpDataDir: () => client.dumpDataDir("gzip"),
    async listen(channel, onMessage, onListening) {
      const stop = await client.listen(channel, onMessage);
      onListening?.();
      return async () => {
        if (!client.closed) await stop();
      };
    },
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

/**
 * Creates a PGlite folder from a dump (`dumpDataDir`): the folder must be new or empty, and is
 * held by this process while PGlite writes it.
 */
export async function restorePgliteFolder(dir: string, dump: Blob): Promise<void> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f !== ".phasegate.pid")) {
    throw new AppError(
      "config:database",
      `PGlite folder "${dir}" is not empty: restore into a new folder (set PGLITE_DIR)`,
    );
  }
  prepareFolder(dir);
  const unlock = lockFolder(dir);
  try {
    const client = await PGlite.create(dir, { loadDataDir: dump });
    await client.close();
  } catch (error) {
    throw new AppError("config:database", `PGlite could not restore into "${dir}": ${describeError(error)}`);
  } finally {
    unlock();
  }
}

/** The application_name this process's PostgreSQL connections carry. */
export function applicationName(): string {
  return `phasegate:${process.pid}`;
}

/**
 * How long a pool connection waits before it tries PostgreSQL again, after `failures` failed
 * attempts in a row (shared by the pool). postgres.js's own backoff grows as 3^n / 100 s up to
 * 20 s, so after an outage of a few seconds a request could wait 10–20 s on a connection that
 * was still backing off while the database was already back. This one doubles from 50 ms and
 * stops at one second, with jitter, so the pool finds a restarted server within about a second.
 */
export function reconnectDelaySeconds(failures: number): number {
  const base = Math.min(0.05 * 2 ** Math.max(0, failures), 1);
  return base * (0.5 + Math.random() / 2);
}

async function openPostgres(
  url: string,
  migrationsFolder: string,
  max: number,
  migrationUrl: string | undefined,
  onQuery?: (query: string) => void,
): Promise<DbHandle> {
  const target = describePostgresUrl(url);
  if (migrationUrl && describePostgresUrl(migrationUrl) !== target) {
    throw new AppError(
      "config:database",
      `MIGRATION_DATABASE_URL points at ${describePostgresUrl(migrationUrl)} but DATABASE_URL at ${target}: both must name the same database`,
    );
  }
  const options = {
    max,
    connect_timeout: 5,
    idle_timeout: 30,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    // Names this process's connections, so /metrics can count them in pg_stat_activity.
    // No JIT: the pages' short index lookups over millions of samples get large cost estimates,
    // and compiling them took longer (about 140 ms) than running them. OLTP work never gains from it.
    connection: { application_name: applicationName(), jit: "off" },
  } as const;
  const client = postgres(url, options);
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new AppError("unavailable:database", `Cannot reach PostgreSQL at ${target}: ${describeError(error)}`);
  }
  const db = drizzlePostgres(client, { schema, logger: queryLogger(onQuery) }) as unknown as Database;
  return {
    kind: "postgres",
    db,
    target: `PostgreSQL at ${target}`,
    poolMax: max,
    async migrate() {
      // Up to date: nothing to do, and nothing a least-privilege runtime role may not do.
      const pending = journalLength(migrationsFolder) - (await appliedOrNone(db));
      if (pending <= 0) return countMigrations(db);
      // One connection, so the session-level advisory lock covers the whole migration run.
      const single = postgres(migrationUrl ?? url, { ...options, max: 1 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres(single, { schema }), { migrationsFolder });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } catch (error) {
        if (errorCode(error) === "42501") {
          throw new AppError(
            "config:database",
            `${pending} migration${pending === 1 ? " is" : "s are"} pending and the role in ${migrationUrl ? "MIGRATION_DATABASE_URL" : "DATABASE_URL"} may not apply ${pending === 1 ? "it" : "them"}: run npm run db:migrate with MIGRATION_DATABASE_URL set to the owner`,
          );
        }
        throw error;
      } finally {
        await single.end({ timeout: 5 });
      }
      return countMigrations(db);
    },
    migrationsApplied: () => countMigrations(db),
    async listen(channel, onMessage, onListening) {
      // postgres.js keeps one dedicated connection for LISTEN and re-listens after it drops.
      const request = await client.listen(channel, onMessage, onListening);
      return () => request.unlisten();
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

// One handle per process, kept on globalThis because Next.js may evaluate this module in
// several bundles (instrumentation, routes); PGlite must never be opened twice on one folder.
type Slot = { handle?: Promise<DbHandle>; shutDown?: boolean };
const slotKey = Symbol.for("phasegate.db");
const slot: Slot =
  ((globalThis as Record<symbol, unknown>)[slotKey] as Slot | undefined) ??
  ((globalThis as Record<symbol, unknown>)[slotKey] = {} as Slot);

/** The process-wide database, opened and migrated on first use. A failed open is retried next call. */
export function getDb(): Promise<DbHandle> {
  // A process shutting down does not open its database again after closing it.
  if (slot.shutDown) return Promise.reject(new AppError("unavailable:database", "The server is shutting down"));
  if (!slot.handle) {
    slot.handle = (async () => {
      const handle = await openDatabase(configFromEnv());
      await handle.migrate();
      return handle;
    })();
    slot.handle.catch(() => {
      slot.handle = undefined;
    });
  }
  return slot.handle;
}

/** Makes `handle` the process database (tests run route handlers against their own database). */
export function setProcessDatabase(handle: DbHandle): void {
  slot.handle = Promise.resolve(handle);
}

/** Closes the process database for good: later getDb() calls fail instead of reopening it. */
export async function closeDbForShutdown(): Promise<void> {
  slot.shutDown = true;
  await closeDb();
}

export async function closeDb(): Promise<void> {
  const pending = slot.handle;
  slot.handle = undefined;
  if (pending) await (await pending).close();
}
