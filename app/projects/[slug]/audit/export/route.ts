// GET /projects/{slug}/audit/export – the filtered audit trail as CSV (signed-in, audit:read).
import { errorResponse } from "@/lib/api/route";
import { stringify } from "csv-stringify/sync";
import { getDb } from "@/db/client";
import { userCan } from "@/lib/auth/actor";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { auditExportRows } from "@/lib/queries/audit";
import { projectBySlug } from "@/lib/queries/projects";
import { auditFilterSchema } from "@/lib/validation/audit";
import { parseInput } from "@/lib/validation/parse";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to export the audit trail");
    const { slug } = await params;
    const filter = parseInput(auditFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
    const { db } = await getDb();
    const project = await projectBySlug(db, slug);
    if (!project) throw new AppError("not_found:entity", "No such project");
    if (!userCan(user, "audit:read", project.id))
      throw new AppError("forbidden:permission", "Your role does not allow reading the audit trail");
    const rows = await auditExportRows(db, project.id, filter);
    const csv = stringify(
      rows.map((r) => [
        r.createdAt.toISOString(),
        r.actorKind,
        r.actorLabel,
        r.action,
        r.entityType,
        r.entityId,
        r.planName ?? "",
        r.before === null ? "" : JSON.stringify(r.before),
        r.after === null ? "" : JSON.stringify(r.after),
        r.requestId ?? "",
      ]),
      {
        header: true,
        escape_formulas: true,
        columns: [
          "time",
          "actor_kind",
          "actor",
          "action",
          "entity_type",
          "entity_id",
          "plan",
          "before",
          "after",
          "request_id",
        ],
      },
    );
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="phasegate-audit-${project.slug}-${new Date().toISOString().slice(0, 10)}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: "audit export failed" });
  }
}
