import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/errors";
import { setupSchema } from "@/lib/validation/admin";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { clearSetupToken, hasUsers, setupTokenMatches } from "./settings";

const alreadyDone = () => new AppError("conflict:state", "Setup is already done: sign in instead");
const wrongToken = () =>
  new AppError("bad_request:validation", "The setup token is not the one the server printed", {
    setupToken: ["Not the token the server printed at its last start"],
  });

/**
 * Creates the first admin of an empty installation, once, with the token the server printed.
 * The cheap checks come first: nobody can make the server hash passwords once setup is done, or
 * without the token.
 */
export async function createFirstAdmin(
  db: Database,
  input: unknown,
  requestId: string | null,
  hash: (password: string) => Promise<string> = hashPassword,
) {
  const data = parseInput(setupSchema, input);
  if (await hasUsers(db)) throw alreadyDone();
  if (!(await setupTokenMatches(db, data.setupToken))) throw wrongToken();
  const passwordHash = await hash(data.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('phasegate:setup'))`);
    if (await hasUsers(tx)) throw alreadyDone();
    if (!(await setupTokenMatches(tx, data.setupToken))) throw wrongToken();
    const [admin] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, passwordHash, isAdmin: true })
      .returning();
    await clearSetupToken(tx);
    await writeAudit(
      tx,
      { kind: "user", userId: admin!.id, email: admin!.email, name: admin!.name, isAdmin: true, roles: new Map() },
      {
        action: "user.created",
        entityType: "user",
        entityId: admin!.id,
        after: { email: admin!.email, name: admin!.name, isAdmin: true, via: "setup" },
      },
      requestId,
    );
    return { id: admin!.id, email: admin!.email };
  });
}
