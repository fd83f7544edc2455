// npm run token -- --project <slug> --scopes <a,b> [--name <name>] [--expires-days <n>]
// Creates an API token for scripting and bootstrap; prints the token alone on the last line.
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { configFromEnv, openDatabase } from "../db/client";
import { apiTokens, projects } from "../db/schema";
import { generateApiToken } from "../lib/auth/api-token";
import { TOKEN_SCOPES } from "../lib/auth/permissions";
import { AppError } from "../lib/errors";
import { writeAudit } from "../lib/services/audit";
import { createTokenSchema } from "../lib/validation/admin";
import { parseInput } from "../lib/validation/parse";
import { runCli } from "./cli";

runCli(async () => {
  const { values } = parseArgs({
    options: {
      project: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
      "expires-days": { type: "string" },
    },
  });
  if (!values.project)
    throw new AppError(
      "bad_request:validation",
      `--project <slug> is required; --scopes takes a comma list of: ${TOKEN_SCOPES.join(", ")}`,
    );
  const handle = await openDatabase(configFromEnv());
  try {
    await handle.migrate();
    const [project] = await handle.db.select().from(projects).where(eq(projects.slug, values.project));
    if (!project) throw new AppError("not_found:entity", `No project with slug "${values.project}"`);
    const data = parseInput(createTokenSchema, {
      projectId: project.id,
      name: values.name ?? `cli ${new Date().toISOString().slice(0, 16)}`,
      scopes: (values.scopes ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      expiresInDays: values["expires-days"],
    });
    const { token, prefix, hash } = generateApiToken();
    await handle.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apiTokens)
        .values({
          projectId: project.id,
          name: data.name,
          prefix,
          tokenHash: hash,
          scopes: data.scopes,
          expiresAt: data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null,
        })
        .returning();
      await writeAudit(
        tx,
        { kind: "system" },
        {
          action: "token.created",
          entityType: "api_token",
          entityId: row!.id,
          projectId: project.id,
          after: { name: data.name, prefix, scopes: data.scopes, via: "cli" },
        },
        null,
      );
    });
    console.error(`phasegate: token "${data.name}" for ${project.slug} with ${data.scopes.join(", ")} (shown once):`);
    console.log(token);
  } finally {
    await handle.close();
  }
});
