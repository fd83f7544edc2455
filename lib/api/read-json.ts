import { AppError } from "@/lib/errors";

const MAX_BODY_BYTES = 1_000_000;

/** The request's JSON body, or a 400 that says what is wrong with it. */
export async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) throw new AppError("bad_request:validation", "Send the body as JSON with Content-Type: application/json");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("bad_request:validation", `The body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request:validation", "The body is not valid JSON");
  }
}
