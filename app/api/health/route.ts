// GET /api/health – liveness and database readiness for load balancers (no auth, nothing secret).
import { getDb } from "@/db/client";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 4000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AppError("unavailable:database", `no answer within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function reasonFor(error: unknown): string {
  if (error instanceof AppError && error.code === "unavailable:database")
    return `database unavailable: ${error.message}`;
  if (error instanceof AppError && error.code === "config:database") return `database misconfigured: ${error.message}`;
  if (isDatabaseUnavailable(error))
    return `database unavailable: ${(error as { code?: string }).code ?? "connection failed"}`;
  return "database query failed";
}

export async function GET() {
  const headers = { "cache-control": "no-store" };
  try {
    const handle = await withTimeout(getDb(), TIMEOUT_MS);
    const migrations = await withTimeout(handle.migrationsApplied(), TIMEOUT_MS);
    return Response.json({ status: "ok", db: handle.kind, migrations }, { headers });
  } catch (error) {
    return Response.json({ status: "unavailable", reason: reasonFor(error) }, { status: 503, headers });
  }
}
