import { createHash } from "node:crypto";

// The audit trail's hash chain, checked. The database seals each audit row as its transaction
// commits (migration 0011): seq is one more than the previous row's, prev_hash is that row's
// hash, and hash = sha256(prev_hash + "\n" + content). Checking walks the rows in seq order and
// stops at the first that does not fit, saying why in words.

export const GENESIS_HASH = "0".repeat(64);

export interface SealedRow {
  id: number;
  seq: number;
  prevHash: string | null;
  hash: string | null;
  /** The row's content as the database renders it for hashing (phasegate_audit_content). */
  content: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export type ChainBreak = { id: number; seq: number | null; reason: string };

export function chainHash(prevHash: string, content: string): string {
  return createHash("sha256").update(`${prevHash}\n${content}`, "utf8").digest("hex");
}

/**
 * Checks rows that follow `head` (null: the start of the chain), in seq order. Returns the new
 * head, or the first row that breaks the chain.
 */
export function checkChainSegment(
  head: ChainHead | null,
  rows: readonly SealedRow[],
): { ok: true; head: ChainHead | null } | { ok: false; broken: ChainBreak } {
  let current = head;
  for (const row of rows) {
    const expectedSeq = (current?.seq ?? 0) + 1;
    const expectedPrev = current?.hash ?? GENESIS_HASH;
    if (row.seq !== expectedSeq) {
      const reason =
        row.seq > expectedSeq
          ? `${row.seq - expectedSeq === 1 ? `the event sealed as number ${expectedSeq} is` : `the events sealed as numbers ${expectedSeq}–${row.seq - 1} are`} missing before it (deleted?)`
          : `its sequence number ${row.seq} repeats or goes back (expected ${expectedSeq})`;
      return { ok: false, broken: { id: row.id, seq: row.seq, reason } };
    }
    if (row.prevHash !== expectedPrev)
      return {
        ok: false,
        broken: {
          id: row.id,
          seq: row.seq,
          reason: "it does not link to the event sealed before it (its previous hash differs)",
        },
      };
    if (row.hash !== chainHash(expectedPrev, row.content))
      return {
        ok: false,
        broken: {
          id: row.id,
          seq: row.seq,
          reason: "its content does not match its hash (changed after it was written)",
        },
      };
    current = { seq: row.seq, hash: row.hash };
  }
  return { ok: true, head: current };
}
