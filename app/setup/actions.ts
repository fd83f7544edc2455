"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { type ActionResult, formToObject, keepValues, toActionError } from "@/lib/actions/run";
import { requestId } from "@/lib/auth/session";
import { createFirstAdmin } from "@/lib/services/setup";

export async function setupAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult | null> {
  try {
    const { db } = await getDb();
    await createFirstAdmin(db, formToObject(form), await requestId());
  } catch (error) {
    return keepValues(toActionError(error), form, ["setupToken", "name", "email"]);
  }
  redirect("/sign-in?setup=done");
}
