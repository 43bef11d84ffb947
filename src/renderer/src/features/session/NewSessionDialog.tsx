/** The New session dialog: a worker on its own worktree, with the agent and a first prompt. */
import { useEffect, useRef, useState } from 'react';
import { HARNESS_IDS, HARNESS_LABELS, type HarnessId } from '../../../../shared/harness';
import { useBaton, useServices } from '../../app/react';
import { AgentsOnMachine } from '../settings';
import { Dialog } from '../../ui/Dialog';

export function NewSessionDialog(props: { projectId: string; open: boolean; onClose: () => void }) {
  const { api } = useServices();
  const openSession = useBaton((s) => s.openSession);
  const [harness, setHarness] = useState<HarnessId | ''>('');
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The project's default agent arrives asynchronously; it must not overwrite a choice made meanwhile.
  const chosen = useRef(false);

  useEffect(() => {
    if (!props.open) return;
    setPrompt('');
    setError(null);
    chosen.current = false;
    let live = true;
    void api.projects.get({ id: props.projectId }).then((r) => {
      if (live && r.ok && !chosen.current) setHarness(r.value.workerAgent);
    });
    return () => {
      live = false;
    };
  }, [props.open, props.projectId, api]);

  async function submit() {
    setBusy(true);
    setError(null);
    const r = await api.sessions.create({ projectId: props.projectId, prompt, ...(harness ? { harness } : {}) });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    props.onClose();
    openSession(r.value.id);
  }

  return (
    <Dialog
      open={props.open}
      title="New session"
      onClose={props.onClose}
      testId="new-session-dialog"
      footer={
        <>
          <button className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button className="btn btn-primary" disabled={!prompt.trim() || busy} onClick={() => void submit()}>
            {busy ? 'Starting…' : 'Start session'}
          </button>
        </>
      }
    >
      <div className="form">
        <label className="field">
          <span className="field-label">Agent</span>
          <select
            className="input"
            value={harness}
            onChange={(e) => {
              chosen.current = true;
              setHarness(e.target.value as HarnessId);
            }}
          >
            {HARNESS_IDS.map((id) => (
              <option key={id} value={id}>
                {HARNESS_LABELS[id]}
              </option>
            ))}
          </select>
          <span className="field-help">The session gets its own worktree and branch. A custom agent uses the command in the project&apos;s settings.</span>
        </label>
        {props.open && <AgentsOnMachine highlight={harness} />}
        <label className="field">
          <span className="field-label">First prompt</span>
          <textarea className="input" rows={5} autoFocus placeholder="What should the agent do?" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </label>
        {error && (
          <div className="banner" role="alert">
            {error}
          </div>
        )}
      </div>
    </Dialog>
  );
}
