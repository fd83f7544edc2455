// POST /ofrep/v1/evaluate/flags/{key} – one flag for one context (OFREP single evaluation).
import { serveOfrep } from "@/lib/ofrep/next";

export const dynamic = "force-dynamic";

export const POST = serveOfrep;
