import { createHmac, timingSafeEqual } from "node:crypto";
import { hashApiToken } from "@/lib/auth/api-token";

// An OFREP event stream is opened with a plain GET (a browser's EventSource sends no headers),
// so its URL carries the credential: the token's id and a key derived from the token. The key
// is an HMAC of the token's id under the token's stored hash: whoever holds the token (or the
// database) can make it, a leaked URL gives no token and only hears "flags changed" for the
// project, and revoking the token ends it. No secret has to be shared with edge evaluators.

const LABEL = "phasegate ofrep event stream v1:";

/** The key for a token, from the token itself (what a bulk evaluation answer advertises). */
export function streamKeyForToken(presented: string, tokenId: string): string {
  return streamKeyForHash(hashApiToken(presented), tokenId);
}

/** The key for a token, from its stored hash (what the stream endpoint checks against). */
export function streamKeyForHash(tokenHash: string, tokenId: string): string {
  return createHmac("sha256", tokenHash)
    .update(LABEL + tokenId)
    .digest("base64url");
}

export function streamKeyMatches(tokenHash: string, tokenId: string, presented: string): boolean {
  const expected = Buffer.from(streamKeyForHash(tokenHash, tokenId));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
