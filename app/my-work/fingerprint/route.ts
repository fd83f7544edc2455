// GET /my-work/fingerprint – what the signed-in person's My work shows, as a fingerprint: an open
// My work page polls it and re-renders when it changes.
import { getDb } from "@/db/client";
import { errorResponse } from "@/lib/api/route";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { loadMyWork, workFingerprint } from "@/lib/queries/my-work";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to see your work");
    const { db } = await getDb();
    const fingerprint = workFingerprint(await loadMyWork(db, user));
    return Response.json({ fingerprint }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: "My work check failed" });
  }
}
