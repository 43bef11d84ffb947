import type { Migration } from './types';

/**
 * Request ids were namespaced per main process, not per ACP link, so an agent
 * started again under the same process reused ids already in the journal
 * (issue 11). Old databases can hold two turns with one (session, request id),
 * and a turn left `running` whose response was matched to the older turn.
 * This repairs both from the projected events, then makes the pair unique.
 */
export const m009: Migration = {
  version: 9,
  name: 'turn_request_ids',
  sql: `
    -- A running turn whose own response is already projected (after its own prompt) has ended:
    -- the collision matched that response to an older turn instead. Re-derive its end from it.
    CREATE TEMP TABLE m009_answered AS
    SELECT t.id AS turn_id,
      (SELECT r.msg FROM events r
        WHERE r.session_id = t.session_id AND r.dir = 'in' AND r.seq > p.seq
          AND json_type(r.msg, '$.method') IS NULL
          AND (CASE json_type(r.msg, '$.id') WHEN 'text' THEN 'string:' ELSE 'number:' END) || json_extract(r.msg, '$.id') = t.request_id
        ORDER BY r.seq LIMIT 1) AS response
    FROM turns t
    JOIN events p ON p.session_id = t.session_id AND p.dir = 'out'
      AND json_extract(p.msg, '$.method') = 'session/prompt'
      AND json_extract(p.msg, '$.params._meta.batonTurnId') = t.id
    WHERE t.status = 'running' AND t.request_id IS NOT NULL;

    UPDATE turns SET
      status = CASE WHEN json_type(a.response, '$.error') IS NOT NULL THEN 'failed' ELSE 'ended' END,
      stop_reason = COALESCE(json_extract(a.response, '$.error.message'), json_extract(a.response, '$.result.stopReason'), 'end_turn'),
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM m009_answered a
    WHERE a.turn_id = turns.id AND a.response IS NOT NULL;

    DROP TABLE m009_answered;

    -- Of turns sharing a request id, the newest holds it (a later JSON-RPC request takes an id over);
    -- the older ones let go of it, and one still open can never be answered now.
    UPDATE turns SET
      status = CASE WHEN status IN ('dispatching', 'running') THEN 'interrupted' ELSE status END,
      stop_reason = CASE WHEN status IN ('dispatching', 'running') THEN 'A later prompt went out under the same request id.' ELSE stop_reason END,
      request_id = NULL,
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE request_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM turns n
      WHERE n.session_id = turns.session_id AND n.request_id = turns.request_id
        AND (n.created_at > turns.created_at OR (n.created_at = turns.created_at AND n.rowid > turns.rowid))
    );

    CREATE UNIQUE INDEX turns_request ON turns (session_id, request_id);
  `,
};
