import { and, eq, sql } from "drizzle-orm";
import { memberships, projects, users } from "@/db/schema";
import { assertUserCan, type UserActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { AppError, isUniqueViolation } from "@/lib/errors";
import {
  createProjectSchema,
  createUserSchema,
  membershipSchema,
  removeMembershipSchema,
  setPasswordSchema,
  setUserFlagsSchema,
} from "@/lib/validation/admin";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { notifyOnCommit } from "./events";
import type { ServiceContext } from "./context";

// Administration: people, projects and who holds which role where. Admins only.

function requireAdmin(
  ctx: ServiceContext,
  action: "user:manage" | "project:create" | "member:manage",
  projectId: string | null = null,
): UserActor {
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", "Only people administer Phasegate");
  assertUserCan(ctx.actor, action, projectId);
  return ctx.actor;
}

export async function createUser(ctx: ServiceContext, input: unknown) {
  const actor = requireAdmin(ctx, "user:manage");
  const data = parseInput(createUserSchema, input);
  const passwordHash = await hashPassword(data.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: data.email, name: data.name, isAdmin: data.isAdmin, passwordHash })
        .returning({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin });
      await writeAudit(
        tx,
        actor,
        {
          action: "user.created",
          entityType: "user",
          entityId: user!.id,
          after: { email: user!.email, name: user!.name, isAdmin: user!.isAdmin },
        },
        ctx.requestId,
      );
      return user!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("bad_request:validation", "A user with this email exists already", {
        email: ["A user with this email exists already"],
      });
    throw error;
  }
}

export async function setUserPassword(ctx: ServiceContext, input: unknown) {
  const actor = requireAdmin(ctx, "user:manage");
  const data = parseInput(setPasswordSchema, input);
  const passwordHash = await hashPassword(data.password);
  await ctx.db.transaction(async (tx) => {
    // A new password ends every session signed in with the old one.
    const [user] = await tx
      .update(users)
      .set({ passwordHash, sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(eq(users.id, data.userId))
      .returning({ id: users.id });
    if (!user) throw new AppError("not_found:entity", "No such user");
    await writeAudit(
      tx,
      actor,
      { action: "user.password_set", entityType: "user", entityId: user.id, after: { sessionsEnded: true } },
      ctx.requestId,
    );
  });
}

export async function setUserFlags(ctx: ServiceContext, input: unknown) {
  const actor = requireAdmin(ctx, "user:manage");
  const data = parseInput(setUserFlagsSchema, input);
  if (data.userId === actor.userId && (data.isAdmin === false || data.disabled === true)) {
    throw new AppError(
      "conflict:state",
      "You cannot remove your own admin rights or disable yourself; ask another admin",
    );
  }
  return ctx.db.transaction(async (tx) => {
    // Lock every admin row first, so concurrent demotions are counted one after the other.
    await tx.execute(sql`select id from users where is_admin order by id for update`);
    const [before] = await tx.select().from(users).where(eq(users.id, data.userId)).for("update");
    if (!before) throw new AppError("not_found:entity", "No such user");
    const patch: Partial<typeof users.$inferInsert> = {};
    if (data.isAdmin !== undefined) patch.isAdmin = data.isAdmin;
    if (data.disabled !== undefined) patch.disabledAt = data.disabled ? (before.disabledAt ?? new Date()) : null;
    const [after] = await tx.update(users).set(patch).where(eq(users.id, data.userId)).returning();
    // Two admins demoting each other at once must not leave the installation without one.
    const [admins] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(sql`${users.isAdmin} and ${users.disabledAt} is null`);
    if (Number(admins?.n ?? 0) === 0)
      throw new AppError("conflict:state", "This would leave no active admin; make someone else admin first");
    await writeAudit(
      tx,
      actor,
      {
        action: "user.updated",
        entityType: "user",
        entityId: before.id,
        before: { isAdmin: before.isAdmin, disabled: Boolean(before.disabledAt) },
        after: { isAdmin: after!.isAdmin, disabled: Boolean(after!.disabledAt) },
      },
      ctx.requestId,
    );
    // Token checks held in memory follow at once: a disabled person's tokens stop working.
    await notifyOnCommit(tx, { type: "access.changed", projectId: "", userId: before.id });
    return after!;
  });
}

export async function createProject(ctx: ServiceContext, input: unknown) {
  const actor = requireAdmin(ctx, "project:create");
  const data = parseInput(createProjectSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [project] = await tx.insert(projects).values(data).returning();
      await writeAudit(
        tx,
        actor,
        {
          action: "project.created",
          entityType: "project",
          entityId: project!.id,
          projectId: project!.id,
          after: data,
        },
        ctx.requestId,
      );
      return project!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("bad_request:validation", "A project with this slug exists already", {
        slug: ["A project with this slug exists already"],
      });
    throw error;
  }
}

export async function addMembership(ctx: ServiceContext, input: unknown) {
  const data = parseInput(membershipSchema, input);
  const actor = requireAdmin(ctx, "member:manage", data.projectId);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${data.email}`);
    if (!user)
      throw new AppError("bad_request:validation", "No user with this email; create the user first", {
        email: ["No user with this email"],
      });
    const [project] = await tx.select().from(projects).where(eq(projects.id, data.projectId));
    if (!project) throw new AppError("not_found:entity", "No such project");
    const inserted = await tx
      .insert(memberships)
      .values({ projectId: data.projectId, userId: user.id, role: data.role })
      .onConflictDoNothing()
      .returning();
    if (inserted.length > 0) {
      await writeAudit(
        tx,
        actor,
        {
          action: "membership.added",
          entityType: "membership",
          entityId: `${data.projectId}:${user.id}:${data.role}`,
          projectId: data.projectId,
          after: { user: user.email, role: data.role },
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "access.changed", projectId: data.projectId, userId: user.id });
    }
    return { userId: user.id, role: data.role, added: inserted.length > 0 };
  });
}

export async function removeMembership(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeMembershipSchema, input);
  const actor = requireAdmin(ctx, "member:manage", data.projectId);
  return ctx.db.transaction(async (tx) => {
    const removed = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.projectId, data.projectId),
          eq(memberships.userId, data.userId),
          eq(memberships.role, data.role),
        ),
      )
      .returning();
    if (removed.length > 0) {
      await writeAudit(
        tx,
        actor,
        {
          action: "membership.removed",
          entityType: "membership",
          entityId: `${data.projectId}:${data.userId}:${data.role}`,
          projectId: data.projectId,
          before: { userId: data.userId, role: data.role },
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "access.changed", projectId: data.projectId, userId: data.userId });
    }
    return { removed: removed.length > 0 };
  });
}
