import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, type DbKind, openDatabase } from "@/db/client";

// Each test file gets its own database: an in-memory PGlite, or a fresh database created on the
// server named by TEST_DATABASE_URL (dropped afterwards). The real migrations run on both.

const serverUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;

export const backends: DbKind[] = serverUrl ? ["pglite", "postgres"] : ["pglite"];

if (!serverUrl) {
  console.warn(
    "TEST_DATABASE_URL is not set: integration tests run on PGlite only (CI sets it to the local PostgreSQL server)",
  );
}

export interface TestDatabase {
  handle: DbHandle;
  /** Connection URL of the created database (postgres only). */
  url?: string;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createTestDatabase(
  kind: DbKind,
  { migrate = true, onQuery }: { migrate?: boolean; onQuery?: (query: string) => void } = {},
): Promise<TestDatabase> {
  if (kind === "pglite") {
    const handle = await openDatabase({ pgliteDir: "memory://", onQuery });
    if (migrate) await handle.migrate();
    return { handle, drop: () => handle.close() };
  }
  if (!serverUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `phasegate_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabaseName(serverUrl, name);
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 20, onQuery });
  if (migrate) await handle.migrate();
  return {
    handle,
    url,
    async drop() {
      await handle.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
