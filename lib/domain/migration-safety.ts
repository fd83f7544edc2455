// Upgrades without downtime: while instances roll from one release to the next, the previous
// release's code runs beside the new schema. A migration may therefore only expand it (new
// tables, new nullable or defaulted columns, new enum values, new indexes). Whatever would break
// the old code — dropping or renaming a table, column, type or enum value, changing a column's
// type, adding NOT NULL without a default, setting NOT NULL on a column the old code may leave
// empty — is refused unless the migration is marked as the contract step of an expand/contract
// pair, naming the earlier migration that expanded:
//
//   -- contract: 0014_orders_by_region (the release after it stopped reading "region")
//
// Statements come from PostgreSQL's own parser (libpg-query), so quoting and comments are read
// exactly as the server reads them.

export interface BreakingChange {
  rule:
    | "drop"
    | "rename"
    | "rename_enum_value"
    | "drop_column"
    | "column_type"
    | "not_null_without_default"
    | "set_not_null";
  message: string;
  /** The statement's text, as written. */
  statement: string;
}

type Node = Record<string, unknown>;
interface ParsedStatement {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}
export interface ParseResult {
  stmts: ParsedStatement[];
}

const DROPPED_KINDS: Record<string, string> = {
  OBJECT_TABLE: "table",
  OBJECT_VIEW: "view",
  OBJECT_MATVIEW: "materialized view",
  OBJECT_TYPE: "type",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_FUNCTION: "function",
  OBJECT_SCHEMA: "schema",
};

function relation(node: Node): string {
  const rel = node.relation as { schemaname?: string; relname?: string } | undefined;
  return rel?.relname ? `${rel.schemaname ? `${rel.schemaname}.` : ""}${rel.relname}` : "?";
}

function names(list: unknown): string {
  // A drop's object: a list of String nodes (schema, name), or a TypeName for DROP TYPE.
  const items = (Array.isArray(list) ? list : []) as Node[];
  return items
    .map((item) => {
      const inner = (item.List as { items?: Node[] } | undefined)?.items ??
        (item.TypeName as { names?: Node[] } | undefined)?.names ?? [item];
      return inner.map((n) => (n.String as { sval?: string } | undefined)?.sval ?? "?").join(".");
    })
    .join(", ");
}

function constraintsOf(def: Node): string[] {
  const constraints = (def.constraints as Node[] | undefined) ?? [];
  return constraints.map((c) => (c.Constraint as { contype?: string } | undefined)?.contype ?? "");
}

/** The changes in one migration that the previous release's code could not run beside. */
export function breakingChanges(parsed: ParseResult, sql: string): BreakingChange[] {
  const out: BreakingChange[] = [];
  for (const { stmt, stmt_location = 0, stmt_len } of parsed.stmts) {
    const text = sql
      .slice(stmt_location, stmt_len ? stmt_location + stmt_len : undefined)
      .replace(/--> statement-breakpoint/g, "")
      .trim();
    const add = (rule: BreakingChange["rule"], message: string) => out.push({ rule, message, statement: text });
    const [kind, body] = Object.entries(stmt)[0] as [string, Node];
    if (kind === "DropStmt") {
      const what = DROPPED_KINDS[String(body.removeType)];
      if (what) add("drop", `drops the ${what} ${names(body.objects)}, which the previous release may still use`);
    } else if (kind === "RenameStmt") {
      const type = String(body.renameType);
      if (type === "OBJECT_COLUMN")
        add(
          "rename",
          `renames the column ${relation(body)}.${String(body.subname)} to ${String(body.newname)}: the previous release still uses the old name`,
        );
      else if (type === "OBJECT_TABLE" || type === "OBJECT_VIEW" || type === "OBJECT_TYPE")
        add(
          "rename",
          `renames ${relation(body) !== "?" ? relation(body) : names([body.object])} to ${String(body.newname)}: the previous release still uses the old name`,
        );
    } else if (kind === "AlterEnumStmt" && body.oldVal) {
      add(
        "rename_enum_value",
        `renames the value "${String(body.oldVal)}" of ${names([{ List: { items: body.typeName } }])}: the previous release still writes it`,
      );
    } else if (kind === "AlterTableStmt") {
      for (const cmdNode of (body.cmds as Node[] | undefined) ?? []) {
        const cmd = cmdNode.AlterTableCmd as Node | undefined;
        if (!cmd) continue;
        const column = `${relation(body)}.${String(cmd.name ?? "?")}`;
        switch (cmd.subtype) {
          case "AT_DropColumn":
            add("drop_column", `drops the column ${column}, which the previous release still reads`);
            break;
          case "AT_AlterColumnType":
            add("column_type", `changes the type of ${column}: the previous release reads and writes the old one`);
            break;
          case "AT_SetNotNull":
            add("set_not_null", `makes ${column} NOT NULL: the previous release may insert rows without it`);
            break;
          case "AT_AddColumn": {
            const def = (cmd.def as Node | undefined)?.ColumnDef as Node | undefined;
            if (!def) break;
            const kinds = constraintsOf(def);
            const required = kinds.includes("CONSTR_NOTNULL") || kinds.includes("CONSTR_PRIMARY");
            const filled = kinds.some(
              (k) => k === "CONSTR_DEFAULT" || k === "CONSTR_IDENTITY" || k === "CONSTR_GENERATED",
            );
            const serial = ((def.typeName as { names?: Node[] } | undefined)?.names ?? []).some((n) =>
              /^(small|big)?serial[248]?$/.test((n.String as { sval?: string } | undefined)?.sval ?? ""),
            );
            if (required && !filled && !serial)
              add(
                "not_null_without_default",
                `adds ${relation(body)}.${String(def.colname)} as NOT NULL without a default: the previous release inserts rows without it`,
              );
            break;
          }
        }
      }
    }
  }
  return out;
}

/** The expand migration a contract step names (`-- contract: 0014_name`), or null when unmarked. */
export function contractMarker(sql: string): string | null {
  return /^\s*--\s*contract:\s*(\d{4}_[A-Za-z0-9_]+)/m.exec(sql)?.[1] ?? null;
}

export interface MigrationVerdict {
  tag: string;
  changes: BreakingChange[];
  /** Set when the migration is a marked contract step naming an earlier migration. */
  contractOf: string | null;
  /** Why a marker does not count, when it does not. */
  markerProblem: string | null;
  refused: boolean;
}

/** Judges migrations in order: breaking changes are refused unless marked as a valid contract step. */
export function judgeMigrations(
  migrations: readonly { tag: string; sql: string; parsed: ParseResult }[],
): MigrationVerdict[] {
  const seen: string[] = [];
  return migrations.map(({ tag, sql, parsed }) => {
    const changes = breakingChanges(parsed, sql);
    const marker = contractMarker(sql);
    let markerProblem: string | null = null;
    if (marker && !seen.includes(marker))
      markerProblem = `names ${marker} as its expand step, but no earlier migration is called that`;
    seen.push(tag);
    const contractOf = marker && !markerProblem ? marker : null;
    return { tag, changes, contractOf, markerProblem, refused: changes.length > 0 && contractOf === null };
  });
}
