import { AppError } from "@/lib/errors";
import { BODY_LIMITS, readBodyText } from "@/lib/http/body";

/** The request's JSON body (read with a byte cap), or a 400 / 413 that says what is wrong with it. */
export async function readJson(request: Request, maxBytes: number = BODY_LIMITS.json): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) {
    throw new AppError("bad_request:validation", "Send the body as JSON with Content-Type: application/json", {
      body: ["Content-Type must be application/json"],
    });
  }
  const text = await readBodyText(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request:validation", "The body is not valid JSON", {
      body: ["Send a valid JSON document"],
    });
  }
}
