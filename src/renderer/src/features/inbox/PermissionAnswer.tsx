/** Every option the agent offers on a waiting permission request, as buttons: answered from a card or the inbox. */
import { useState } from 'react';
import type { PendingRequest } from '../../../../shared/contracts/sessions';
import { useBaton } from '../../app/react';

export function PermissionAnswer({ sessionId, request, compact }: { sessionId: string; request: PendingRequest; compact?: boolean }) {
  const answerRequest = useBaton((s) => s.answerRequest);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="permission-answer" data-testid="permission-answer" data-request={request.requestKey}>
      {!compact && <div className="small">{request.title}</div>}
      <div className="permission-answer-options">
        {request.options.map((o) => (
          <button
            key={o.optionId}
            className={`btn btn-sm ${o.kind.startsWith('allow') ? 'btn-primary' : ''}`}
            disabled={busy}
            data-kind={o.kind}
            onClick={async (e) => {
              // Inside a card whose title is a stretched button: the answer is not an open.
              e.stopPropagation();
              setBusy(true);
              setError(await answerRequest(sessionId, request.requestKey, o.optionId));
              setBusy(false);
            }}
          >
            {o.name}
          </button>
        ))}
      </div>
      {error && (
        <div className="row-error small" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
