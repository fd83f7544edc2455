-- The audit trail as a hash chain, kept by the database itself.
--
-- * created_at is the database's clock, whatever a writer sends; the chain columns start empty.
-- * When a transaction that wrote audit rows commits, each row is sealed in commit order:
--     seq       one more than the last sealed row's
--     prev_hash that row's hash (64 zeros for the first)
--     hash      sha256 hex of prev_hash || E'\n' || phasegate_audit_content(row)
--   Sealing runs as the table's owner (SECURITY DEFINER) under a transaction-level advisory lock
--   taken at commit, so writers never wait on each other before then and the chain never forks.
-- * The append-only rule lets exactly one UPDATE through: sealing an unsealed row without
--   touching its content.
--
-- `npm run audit:verify` recomputes every hash with its own copy of the content expression and
-- names the first row whose content, link or sequence does not match.

CREATE OR REPLACE FUNCTION phasegate_audit_content(e audit_events) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(
    e.id, e.project_id, e.plan_id, e.actor_kind, e.actor_id, e.actor_label, e.action,
    e.entity_type, e.entity_id, e.before, e.after, e.request_id,
    to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  )::text
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION phasegate_audit_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_at := now();
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_stamp
  BEFORE INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION phasegate_audit_stamp();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION phasegate_audit_seal_row(event_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  event audit_events;
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7346201119);
  SELECT * INTO event FROM audit_events WHERE id = event_id;
  IF NOT FOUND OR event.hash IS NOT NULL THEN
    RETURN;
  END IF;
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  last_seq := coalesce(last_seq, 0);
  last_hash := coalesce(last_hash, repeat('0', 64));
  UPDATE audit_events
     SET seq = last_seq + 1,
         prev_hash = last_hash,
         hash = encode(sha256(convert_to(last_hash || E'\n' || phasegate_audit_content(event), 'UTF8')), 'hex')
   WHERE id = event_id;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION phasegate_audit_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM phasegate_audit_seal_row(NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER audit_events_seal
  AFTER INSERT ON "audit_events"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION phasegate_audit_seal();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION phasegate_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
     AND (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
-- Rows written before the chain existed are sealed now, oldest first.
DO $$
DECLARE
  event_id bigint;
BEGIN
  FOR event_id IN SELECT id FROM audit_events WHERE hash IS NULL ORDER BY id LOOP
    PERFORM phasegate_audit_seal_row(event_id);
  END LOOP;
END;
$$;
