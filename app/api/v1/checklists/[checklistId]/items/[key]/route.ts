// PATCH /api/v1/checklists/{checklistId}/items/{key} – tick an item by its key with evidence (checklists:write).
import { readJson } from "@/lib/api/read-json";
import { apiRoute } from "@/lib/api/route";
import { updateChecklistItemByKey } from "@/lib/services/checklist-items";

export const dynamic = "force-dynamic";

export const PATCH = apiRoute<{ checklistId: string; key: string }>(
  { scope: "checklists:write" },
  async ({ db, actor, requestId, request, params }) => {
    const body = await readJson(request);
    // Next.js hands the path parameters over decoded already.
    return updateChecklistItemByKey({ db, actor, requestId }, params.checklistId, params.key, body);
  },
);
