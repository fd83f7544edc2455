import { spawn } from "node:child_process";
import fs from "node:fs";
import postgres from "postgres";
import { type DbConfig, describePostgresUrl, openDatabase, restorePgliteFolder } from "@/db/client";
import { AppError } from "@/lib/errors";
import { verifyAuditChain } from "@/lib/queries/audit-chain";

// Backups: `pg_dump` custom format for PostgreSQL (as the owner when MIGRATION_DATABASE_URL is
// set), PGlite's own dump (its data folder as a gzipped tarball) for the embedded database.
// Restoring needs an empty target: a new PostgreSQL database or a new PGlite folder. A
// PostgreSQL restore creates tables, loads rows, then adds indexes and triggers, so the audit
// trail comes back with its own times and hash chain, which is verified at the end.

export type BackupKind = "postgres" | "pglite";

export interface BackupResult {
  kind: BackupKind;
  file: string;
  bytes: number;
  target: string;
}

/** A connection URL without its password (given to pg_dump in PGPASSWORD, never on a command line). */
function splitPassword(url: string): { url: string; password: string | undefined } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = "";
  return { url: parsed.toString(), password };
}

function run(command: string, args: string[], password: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new AppError(
          "config:database",
          error.code === "ENOENT"
            ? `${command} is not installed (Debian: apt-get install postgresql-client)`
            : `${command} failed to start: ${error.message}`,
        ),
      ),
    );
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new AppError(
              "config:database",
              `${command} failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`,
            ),
          ),
    );
  });
}

/** Where the backup is read from or restored to: the owner's URL when there is one. */
function postgresUrl(config: DbConfig): string | undefined {
  return config.migrationUrl ?? config.databaseUrl;
}

export async function backupDatabase(config: DbConfig, file: string): Promise<BackupResult> {
  const url = postgresUrl(config);
  if (url) {
    const { url: bare, password } = splitPassword(url);
    // Without owners and grants: the target's roles are made by `npm run db:roles` afterwards.
    await run(
      "pg_dump",
      ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, `--dbname=${bare}`],
      password,
    );
    return { kind: "postgres", file, bytes: fs.statSync(file).size, target: describePostgresUrl(url) };
  }
  // PGlite: the folder is locked while it is read, so the dashboard must not be running on it.
  const handle = await openDatabase(config);
  try {
    const dump = await handle.dumpDataDir!();
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return { kind: "pglite", file, bytes: fs.statSync(file).size, target: handle.target };
  } finally {
    await handle.close();
  }
}

/** What a backup file holds, from its first bytes. */
export function backupKindOf(file: string): BackupKind {
  const head = Buffer.alloc(5);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, head, 0, 5, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString("latin1") === "PGDMP") return "postgres";
  if (head[0] === 0x1f && head[1] === 0x8b) return "pglite";
  throw new AppError("bad_request:validation", `${file} is neither a pg_dump custom-format file nor a PGlite dump`);
}

export interface RestoreResult {
  kind: BackupKind;
  target: string;
  migrations: number;
  auditEvents: number;
  /** The audit trail's hash chain checked after the restore. */
  auditIntact: boolean;
}

export async function restoreDatabase(config: DbConfig, file: string): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new AppError("bad_request:validation", `No backup at ${file}`);
  const kind = backupKindOf(file);
  const url = postgresUrl(config);
  if (kind === "postgres" && !url)
    throw new AppError(
      "config:database",
      "This is a PostgreSQL backup (pg_dump): set DATABASE_URL (or MIGRATION_DATABASE_URL) to the empty database to restore it into",
    );
  if (kind === "pglite" && url)
    throw new AppError(
      "config:database",
      "This is a PGlite backup: unset DATABASE_URL and set PGLITE_DIR to a new folder to restore it into",
    );
  if (kind === "postgres") {
    const sql = postgres(url!, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<
        { n: number }[]
      >`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`;
      const n = row?.n ?? 0;
      if (n > 0)
        throw new AppError(
          "config:database",
          `${describePostgresUrl(url!)} is not empty (${n} tables): restore into a new, empty database`,
        );
    } finally {
      await sql.end();
    }
    const { url: bare, password } = splitPassword(url!);
    await run(
      "pg_restore",
      ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${bare}`, file],
      password,
    );
  } else {
    await restorePgliteFolder(config.pgliteDir!, new Blob([fs.readFileSync(file)]));
  }
  // Opened as the app would open it: the migrations must be there and the audit trail intact.
  const handle = await openDatabase(kind === "postgres" ? { ...config, databaseUrl: url } : config);
  try {
    const migrations = await handle.migrationsApplied();
    const audit = await verifyAuditChain(handle.db);
    return { kind, target: handle.target, migrations, auditEvents: audit.events, auditIntact: audit.ok };
  } finally {
    await handle.close();
  }
}
