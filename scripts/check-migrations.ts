// npm run db:check-migrations — refuses a migration the previous release's code could not run
// beside (see lib/domain/migration-safety.ts): CI runs it on every change.
import fs from "node:fs";
import path from "node:path";
import { loadModule, parseSync } from "libpg-query";
import { judgeMigrations, type ParseResult } from "../lib/domain/migration-safety";

const dir = path.join(import.meta.dirname, "..", "db", "migrations");
const journal = JSON.parse(fs.readFileSync(path.join(dir, "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

await loadModule();
let unreadable = 0;
const migrations = journal.entries.flatMap(({ tag }) => {
  const sql = fs.readFileSync(path.join(dir, `${tag}.sql`), "utf8");
  try {
    return [{ tag, sql, parsed: parseSync(sql) as unknown as ParseResult }];
  } catch (error) {
    unreadable++;
    console.error(`${tag}: PostgreSQL's parser cannot read it: ${(error as Error).message}`);
    return [];
  }
});
const verdicts = judgeMigrations(migrations);
let refused = 0;
for (const v of verdicts) {
  if (v.markerProblem) console.error(`${v.tag}: the contract marker ${v.markerProblem}`);
  for (const change of v.changes) {
    const line = `${v.tag}: ${change.message}\n    ${change.statement.split("\n")[0]}`;
    if (v.refused)
      console.error(
        `${line}\n    refused: split it into an expand step now and a contract step (marked "-- contract: <expand tag>") once no running release reads the old shape`,
      );
    else console.log(`${line}\n    allowed: the contract step of ${v.contractOf}`);
  }
  if (v.refused) refused++;
}
console.log(
  `migrations: ${verdicts.length} checked, ${refused} refused${unreadable ? `, ${unreadable} unreadable` : ""}`,
);
process.exit(refused || unreadable ? 1 : 0);
