import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import type { UserActor } from "./actor";
import { auth } from "./config";
import { loadUserActor } from "./user-actor";

/** The signed-in person for this request (roles read fresh from the database) and their session's epoch, or null. */
export const currentSession = cache(async (): Promise<{ user: UserActor; epoch: number } | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const { db } = await getDb();
  const epoch = session.epoch ?? 0;
  const user = await loadUserActor(db, id, epoch);
  return user ? { user, epoch } : null;
});

/** The signed-in person for this request (roles read fresh from the database), or null. */
export const currentUser = cache(async (): Promise<UserActor | null> => (await currentSession())?.user ?? null);

/** For pages: the signed-in person, or a redirect to the sign-in page. */
export async function requireUser(): Promise<UserActor> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function requestId(): Promise<string | null> {
  return (await headers()).get("x-request-id");
}
