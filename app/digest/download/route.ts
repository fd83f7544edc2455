// GET /digest/download?project={slug} – the weekly digest as a Markdown file (signed-in; a project's
// digest needs project:read, the portfolio's covers the projects the person may read).
import { getDb } from "@/db/client";
import { errorResponse } from "@/lib/api/route";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { loadDigestView } from "@/lib/queries/digest";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to download the digest");
    const url = new URL(request.url);
    const projectSlug = url.searchParams.get("project") || null;
    const { db } = await getDb();
    const now = new Date();
    const view = await loadDigestView(db, user, { projectSlug, now, baseUrl: url.origin });
    // A project the person may not read is not found, as on its pages: its existence is not told.
    if (!view) throw new AppError("not_found:entity", "No such project");
    const name = view.scope.kind === "project" ? view.scope.slug.replace(/[^a-z0-9-]/gi, "-") : "portfolio";
    return new Response(view.markdown, {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": `attachment; filename="phasegate-digest-${name}-${now.toISOString().slice(0, 10)}.md"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: "digest download failed" });
  }
}
