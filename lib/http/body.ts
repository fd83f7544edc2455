import { AppError } from "@/lib/errors";

// Request bodies are read as streams with a byte cap, after the caller is known: a body larger
// than its cap is refused with 413 as soon as the cap is passed (or at once when Content-Length
// says so), and nothing past it is read or kept.

export const BODY_LIMITS = {
  json: 1_000_000,
  metrics: 10_000_000,
  import: 1_000_000,
  ofrep: 64 * 1024,
} as const;

export function formatLimit(bytes: number): string {
  return bytes >= 1_000_000 ? `${bytes / 1_000_000} MB` : `${Math.round(bytes / 1024)} KiB`;
}

export function tooLarge(maxBytes: number): AppError {
  const message = `The body is larger than ${formatLimit(maxBytes)}; send less at a time`;
  return new AppError("payload_too_large", message, { body: [message] });
}

/** True when Content-Length already announces more than the cap. */
export function declaredTooLarge(headers: Pick<Headers, "get">, maxBytes: number): boolean {
  const declared = Number(headers.get("content-length"));
  return Number.isFinite(declared) && declared > maxBytes;
}

/** The body as UTF-8 text, at most `maxBytes`; 413 past that, 400 when it is not UTF-8. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  if (declaredTooLarge(request.headers, maxBytes)) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("bad_request:validation", "The body is not valid UTF-8 text", { body: ["Send UTF-8 text"] });
  }
}
