// GET /api/v1/openapi.json – the OpenAPI 3.1 description of /api/v1 (public, like any API reference).
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-static";

export function GET() {
  return Response.json(openApiDocument());
}
