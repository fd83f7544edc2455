import postgres from "postgres";
import { AppError } from "../lib/errors";
import { parseDatabaseUrl } from "./url";

// Least privilege on PostgreSQL (`npm run db:roles`): the migration owner keeps the tables; the
// app's runtime role reads and writes data but may only INSERT into and SELECT from the audit
// trail; the edge role reads and can write nothing. Run as a role that may create roles (a
// superuser, or the owner with CREATEROLE), after or instead of `npm run db:migrate`.

export interface RoleLogin {
  user: string;
  password: string | null;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The user and password in a postgres:// URL. */
export function loginFromUrl(url: string, setting: string): RoleLogin {
  const parsed = parseDatabaseUrl(url, setting, "postgres://user:password@host:5432/database");
  const user = decodeURIComponent(parsed.username);
  if (!ROLE_NAME.test(user))
    throw new AppError(
      "config:database",
      `${setting} must name its role in lower case letters, digits and _ (got “${user || "no user"}”)`,
    );
  return { user, password: parsed.password ? decodeURIComponent(parsed.password) : null };
}

export interface RolesPlan {
  ownerUrl: string;
  runtime: RoleLogin;
  edge: RoleLogin | null;
}

/** Creates or updates the roles and grants; returns what was done, line by line. */
export async function setUpRoles(plan: RolesPlan): Promise<string[]> {
  const sql = postgres(plan.ownerUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const done: string[] = [];
  try {
    const [me] = await sql<{ owner: string; database: string; superuser: boolean }[]>`
      select current_user as owner, current_database() as database, rolsuper as superuser from pg_roles where rolname = current_user`;
    const { owner, database } = me!;
    for (const role of [plan.runtime, plan.edge].filter((r): r is RoleLogin => r !== null)) {
      if (role.user === owner)
        throw new AppError(
          "config:database",
          `the role “${role.user}” is the owner (MIGRATION_DATABASE_URL's role); the runtime and edge roles must be other roles`,
        );
    }
    if (plan.edge && plan.edge.user === plan.runtime.user)
      throw new AppError("config:database", "DATABASE_URL and EDGE_DATABASE_URL must name different roles");

    const run = async (statement: string, say?: string) => {
      await sql.unsafe(statement);
      if (say) done.push(say);
    };
    const quoted = async (template: string, ...args: (string | null)[]) => {
      const [row] = await sql<
        { statement: string }[]
      >`select format(${template}, variadic ${sql.array(args.map((a) => a ?? ""))}::text[]) as statement`;
      return row!.statement;
    };
    const ident = async (name: string) => (await sql<{ q: string }[]>`select quote_ident(${name}) as q`)[0]!.q;

    for (const [label, role] of [
      ["runtime", plan.runtime],
      ["edge", plan.edge],
    ] as const) {
      if (!role) continue;
      const [exists] = await sql`select 1 from pg_roles where rolname = ${role.user}`;
      const attributes = "login nosuperuser nocreatedb nocreaterole noreplication nobypassrls";
      if (!exists)
        await run(
          await quoted(`create role %I with ${attributes}`, role.user),
          `created the ${label} role ${role.user}`,
        );
      else
        await run(
          await quoted(`alter role %I with ${attributes}`, role.user),
          `the ${label} role ${role.user} exists; set it to log in without special powers`,
        );
      if (role.password)
        await run(
          await quoted("alter role %I with password %L", role.user, role.password),
          `set the ${label} role's password`,
        );
    }

    const db = await ident(database);
    const runtime = await ident(plan.runtime.user);
    const edge = plan.edge ? await ident(plan.edge.user) : null;
    const ownerId = await ident(owner);
    const both = edge ? `${runtime}, ${edge}` : runtime;

    await run(`grant connect, temporary on database ${db} to ${both}`);
    await run(`grant usage on schema public, drizzle to ${both}`);
    await run(`grant select on drizzle.__drizzle_migrations to ${both}`);
    // Runtime: data in every table, the audit trail append-only.
    await run(`grant select, insert, update, delete on all tables in schema public to ${runtime}`);
    await run(`revoke update, delete, truncate, references, trigger on audit_events from ${runtime}`);
    await run(`grant usage, select on all sequences in schema public to ${runtime}`);
    await run(
      `alter default privileges for role ${ownerId} in schema public grant select, insert, update, delete on tables to ${runtime}`,
    );
    await run(
      `alter default privileges for role ${ownerId} in schema public grant usage, select on sequences to ${runtime}`,
    );
    done.push(`granted ${plan.runtime.user} read and write on every table, and only INSERT and SELECT on audit_events`);
    if (edge) {
      await run(`grant select on all tables in schema public to ${edge}`);
      await run(`alter default privileges for role ${ownerId} in schema public grant select on tables to ${edge}`);
      await run(`alter role ${edge} set default_transaction_read_only = on`);
      done.push(`granted ${plan.edge!.user} SELECT only, in read-only transactions`);
    }
    // Nobody but the owner creates objects in the schema (already so on PostgreSQL 15+).
    await sql.unsafe("revoke create on schema public from public").catch(() => {});
    return done;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
