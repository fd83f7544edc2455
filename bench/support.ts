import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "../db/client";

// Benchmarks run against a real PostgreSQL server (BENCH_DATABASE_URL, else TEST_DATABASE_URL,
// else the local server), in a database of their own that is dropped afterwards.

export const serverUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function withBenchDatabase<T>(fn: (handle: DbHandle, url: string) => Promise<T>): Promise<T> {
  const name = `phasegate_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  try {
    await handle.migrate();
    return await fn(handle, url.toString());
  } finally {
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Like withBenchDatabase, but the database keeps its name and is not dropped: `fill` runs only
 * when it was just created (BENCH_PAGES_KEEP=1 reuses a slow-to-build database between runs).
 */
export async function withKeptDatabase<T>(
  name: string,
  fn: (handle: DbHandle, url: string, created: boolean) => Promise<T>,
): Promise<T> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (!exists) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  try {
    await handle.migrate();
    return await fn(handle, url.toString(), !exists);
  } finally {
    await handle.close();
  }
}
