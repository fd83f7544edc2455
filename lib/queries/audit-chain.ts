import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { type ChainBreak, type ChainHead, checkChainSegment, type SealedRow } from "@/lib/domain/audit-chain";

// Reads the audit trail in seal order and checks its hash chain. The content expression is this
// file's own copy of phasegate_audit_content (migration 0011), so a function changed in the
// database cannot vouch for rows it sealed.

const BATCH = 5_000;

export type ChainReport =
  { ok: true; events: number; head: ChainHead | null } | { ok: false; events: number; broken: ChainBreak };

export async function verifyAuditChain(db: Database): Promise<ChainReport> {
  const [counts] = rowsOf<{ total: number; unsealed: number; first_unsealed: number | null }>(
    await db.execute(
      sql`select count(*)::int as total, count(*) filter (where hash is null)::int as unsealed, min(id) filter (where hash is null) as first_unsealed from audit_events`,
    ),
  );
  const events = Number(counts?.total ?? 0);
  let head: ChainHead | null = null;
  let after = 0;
  for (;;) {
    const rows = rowsOf<{
      id: string | number;
      seq: string | number;
      prev_hash: string | null;
      hash: string | null;
      content: string;
    }>(
      await db.execute(sql`
        select id, seq, prev_hash, hash,
          jsonb_build_array(
            id, project_id, plan_id, actor_kind, actor_id, actor_label, action,
            entity_type, entity_id, before, after, request_id,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
          )::text as content
        from audit_events
        where seq > ${after}
        order by seq
        limit ${BATCH}`),
    ).map((r): SealedRow => ({
      id: Number(r.id),
      seq: Number(r.seq),
      prevHash: r.prev_hash,
      hash: r.hash,
      content: r.content,
    }));
    if (rows.length === 0) break;
    const checked = checkChainSegment(head, rows);
    if (!checked.ok) return { ok: false, events, broken: checked.broken };
    head = checked.head;
    after = rows.at(-1)!.seq;
  }
  if (Number(counts?.unsealed ?? 0) > 0) {
    return {
      ok: false,
      events,
      broken: {
        id: Number(counts!.first_unsealed),
        seq: null,
        reason: "it was never sealed into the chain (written with the database's triggers switched off?)",
      },
    };
  }
  return { ok: true, events, head };
}
