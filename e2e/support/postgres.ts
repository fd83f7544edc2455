import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";

// PostgreSQL for tests that run real server processes: a fresh database on the server named by
// TEST_DATABASE_URL, or a whole cluster of the test's own (initdb + pg_ctl) that it may stop and
// restart under a running app.

const run = promisify(execFile);

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Null when the server at `url` answers a query within a few seconds, else why not. */
export async function whyNotAnswering(url: string | undefined): Promise<string | null> {
  if (!url) return "TEST_DATABASE_URL is not set";
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return null;
  } catch (error) {
    return `PostgreSQL at TEST_DATABASE_URL does not answer: ${String(error)}`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it, closing whatever connections are left (call after every process using it exited). */
  drop(): Promise<void>;
}

/** CREATE DATABASE <prefix>_<random> on the server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl, name),
    async drop() {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

function newestPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter(
      (v) => fs.existsSync(path.join(root, v, "bin", "initdb")) && fs.existsSync(path.join(root, v, "bin", "pg_ctl")),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

const RUNUSER = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => fs.existsSync(p)) ?? null;

/** Null when this machine can run a cluster of the test's own, else why not. */
export function whyNoLocalCluster(): string | null {
  if (process.getuid?.() !== 0)
    return "starting a PostgreSQL cluster of its own needs root (it runs initdb and pg_ctl as the postgres user through runuser)";
  if (!RUNUSER) return "runuser is not installed";
  if (!newestPostgresBin())
    return "no PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin (apt-get install postgresql)";
  return null;
}

export interface LocalCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** CREATE DATABASE `name`; returns its URL. */
  createDatabase(name: string): Promise<string>;
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`, waiting until the postmaster is gone. */
  stop(mode: "fast" | "immediate"): Promise<void>;
  /** The server's log, for failure messages. */
  log(): string;
  /** Stops the cluster (if running) and removes its folder. */
  destroy(): Promise<void>;
}

/** initdb a cluster in a fresh folder owned by postgres, and start it on 127.0.0.1:`port`. */
export async function startLocalCluster(port: number): Promise<LocalCluster> {
  const bin = newestPostgresBin();
  if (!bin || !RUNUSER) throw new Error(whyNoLocalCluster() ?? "no local cluster");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-pg-"));
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  fs.chownSync(dir, uid, gid);
  const asPostgres = (tool: string, args: string[]) =>
    run(RUNUSER, ["-u", "postgres", "--", path.join(bin, tool), ...args], { timeout: 120_000 });
  await asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  let running = false;
  const cluster: LocalCluster = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const admin = postgres(cluster.url("postgres"), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
    async start() {
      await asPostgres("pg_ctl", [
        "-D",
        data,
        "-l",
        logFile,
        "-o",
        `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`,
        "-w",
        "-t",
        "120",
        "start",
      ]);
      running = true;
    },
    async stop(mode) {
      await asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "120", "stop"]);
      running = false;
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").slice(-8_000) : ""),
    async destroy() {
      if (running) await cluster.stop("fast").catch(() => cluster.stop("immediate"));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
