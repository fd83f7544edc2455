import fs from "node:fs";
import path from "node:path";

/** How many migrations are committed: what a freshly migrated database reports. */
export const MIGRATION_COUNT = (
  JSON.parse(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  }
).entries.length;
