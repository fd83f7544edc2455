// Free-text notes on an incident (summary, post-mortem): stored as plain text and shown as text.
// Editors send back a fingerprint of the text they started from, so a second person saving over
// someone else's newer text is told instead of silently overwriting it.

/** Browsers send textarea line breaks as CRLF; the stored text uses LF only. */
export function normaliseNotes(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\s+$/, "");
}

/** A short, stable fingerprint of a text (53-bit cyrb53, hex): equal texts, equal fingerprints. */
export function notesFingerprint(text: string): string {
  const s = normaliseNotes(text);
  let h1 = 0xdeadbeef ^ s.length;
  let h2 = 0x41c6ce57 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}
