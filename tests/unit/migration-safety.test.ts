import fs from "node:fs";
import path from "node:path";
import { loadModule, parseSync } from "libpg-query";
import { beforeAll, describe, expect, test } from "vitest";
import { breakingChanges, contractMarker, judgeMigrations, type ParseResult } from "@/lib/domain/migration-safety";

const parse = (sql: string) => parseSync(sql) as unknown as ParseResult;
const rules = (sql: string) => breakingChanges(parse(sql), sql).map((c) => c.rule);

beforeAll(async () => {
  await loadModule();
});

describe("what the previous release cannot run beside", () => {
  test.each([
    ['ALTER TABLE "plans" DROP COLUMN "summary";', ["drop_column"]],
    ['DROP TABLE "risks";', ["drop"]],
    ["DROP TYPE public.plan_kind;", ["drop"]],
    ['ALTER TABLE "plans" RENAME COLUMN "summary" TO "description";', ["rename"]],
    ["ALTER TABLE plans RENAME TO releases;", ["rename"]],
    ["ALTER TYPE \"public\".\"plan_kind\" RENAME VALUE 'rollout' TO 'release';", ["rename_enum_value"]],
    ['ALTER TABLE "plans" ADD COLUMN "region" text NOT NULL;', ["not_null_without_default"]],
    ['ALTER TABLE "plans" ALTER COLUMN "owner_id" SET NOT NULL;', ["set_not_null"]],
    ['ALTER TABLE "plans" ALTER COLUMN "version" TYPE bigint;', ["column_type"]],
    ['ALTER TABLE "a" DROP COLUMN "b", ADD COLUMN "c" int NOT NULL;', ["drop_column", "not_null_without_default"]],
  ])("%s → %o", (sql, expected) => {
    expect(rules(sql)).toEqual(expected);
  });

  test.each([
    'ALTER TABLE "plans" ADD COLUMN "region" text;',
    'ALTER TABLE "plans" ADD COLUMN "kind" "plan_kind" DEFAULT \'rollout\' NOT NULL;',
    'ALTER TABLE "events" ADD COLUMN "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL;',
    'ALTER TABLE "events" ADD COLUMN "n" serial NOT NULL;',
    'ALTER TYPE "public"."trigger_mode" ADD VALUE \'canary_worse\';',
    'CREATE TABLE "x" ("id" uuid PRIMARY KEY NOT NULL);',
    'CREATE INDEX "x_idx" ON "x" ("id");',
    'DROP INDEX "x_idx";',
    // Words in strings and comments are not statements.
    "-- DROP TABLE plans\nSELECT 'DROP TABLE plans';",
  ])("allowed: %s", (sql) => {
    expect(rules(sql)).toEqual([]);
  });

  test("each change names what breaks, with its statement", () => {
    const sql =
      'ALTER TABLE "plans" ADD COLUMN "a" text;--> statement-breakpoint\nALTER TABLE "plans" DROP COLUMN "summary";';
    expect(breakingChanges(parse(sql), sql)).toEqual([
      {
        rule: "drop_column",
        message: "drops the column plans.summary, which the previous release still reads",
        statement: 'ALTER TABLE "plans" DROP COLUMN "summary"',
      },
    ]);
  });
});

describe("expand, then contract", () => {
  const migration = (tag: string, sql: string) => ({ tag, sql, parsed: parse(sql) });

  test("a contract step naming an earlier expand step is allowed; unmarked or misnamed ones are refused", () => {
    const verdicts = judgeMigrations([
      migration("0001_add_region", 'ALTER TABLE "plans" ADD COLUMN "region" text;'),
      migration(
        "0002_drop_zone",
        '-- contract: 0001_add_region (the release after it no longer reads zone)\nALTER TABLE "plans" DROP COLUMN "zone";',
      ),
      migration("0003_drop_more", 'ALTER TABLE "plans" DROP COLUMN "other";'),
      migration("0004_bad_marker", '-- contract: 0009_later\nALTER TABLE "plans" DROP COLUMN "x";'),
    ]);
    expect(verdicts.map((v) => [v.tag, v.refused, v.contractOf])).toEqual([
      ["0001_add_region", false, null],
      ["0002_drop_zone", false, "0001_add_region"],
      ["0003_drop_more", true, null],
      ["0004_bad_marker", true, null],
    ]);
    expect(verdicts[3]!.markerProblem).toBe(
      "names 0009_later as its expand step, but no earlier migration is called that",
    );
    expect(contractMarker("-- contract:0001_x\n")).toBe("0001_x");
  });

  test("every migration in db/migrations is safe to run beside the release before it", () => {
    const dir = path.join(import.meta.dirname, "..", "..", "db", "migrations");
    const journal = JSON.parse(fs.readFileSync(path.join(dir, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const verdicts = judgeMigrations(
      journal.entries.map(({ tag }) => migration(tag, fs.readFileSync(path.join(dir, `${tag}.sql`), "utf8"))),
    );
    expect(verdicts.filter((v) => v.refused)).toEqual([]);
    expect(verdicts.length).toBe(journal.entries.length);
  });
});
