// POST /ofrep/v1/evaluate/flags – every flag of the token's project for one context (OFREP bulk
// evaluation), with an ETag; If-None-Match with the same tag answers 304.
import { serveOfrep } from "@/lib/ofrep/next";

export const dynamic = "force-dynamic";

export const POST = serveOfrep;
