// Any /api path no route answers (a mistyped path, a `..` segment that resolved elsewhere): the
// API's JSON error, never the HTML not-found page.
import { errorResponse } from "@/lib/api/route";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

function notFound(): Response {
  return errorResponse(new AppError("not_found:entity", "No such API route: see GET /api/v1/openapi.json"), {
    headers: { "cache-control": "no-store" },
  });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
