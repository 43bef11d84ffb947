/** The New session dialog: a worker on its own worktree, with its title, branch, base branch, agent and first prompt. */
import { useEffect, useRef, useState } from 'react';
import type { ProjectSettings } from '../../../../shared/contracts/projects';
import { HARNESS_IDS, HARNESS_LABELS, type HarnessId } from '../../../../shared/harness';
import { titleSlug } from '../../../../shared/slug';
import { useBaton, useServices } from '../../app/react';
import { AgentsOnMachine } from '../settings';
import { Dialog, DialogActions } from '../../ui/Dialog';

/** The branch main gives a session left unnamed: from the title (else the prompt's first line), plus a piece of its id. */
function derivedBranch(prefix: string, title: string, prompt: string): string {
  const from = title.trim() || prompt.split('\n')[0]!.trim();
  return `baton/${prefix}-${from ? titleSlug(from) : 'session'}-…`;
}

export function NewSessionDialog(props: { projectId: string; open: boolean; onClose: () => void }) {
  const { api } = useServices();
  const openSession = useBaton((s) => s.openSession);
  const [harness, setHarness] = useState<HarnessId | ''>('');
  const [title, setTitle] = useState('');
  const [branch, setBranch] = useState('');
  const [base, setBase] = useState('');
  const [prompt, setPrompt] = useState('');
  const [project, setProject] = useState<ProjectSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The project's default agent arrives asynchronously; it must not overwrite a choice made meanwhile.
  const chosen = useRef(false);

  useEffect(() => {
    if (!props.open) return;
    setPrompt('');
    setTitle('');
    setBranch('');
    setError(null);
    chosen.current = false;
    let live = true;
    void api.projects.get({ id: props.projectId }).then((r) => {
      if (!live || !r.ok) return;
      setProject(r.value);
      if (!chosen.current) {
        setHarness(r.value.workerAgent);
        setBase(r.value.baseBranch);
      }
    });
    return () => {
      live = false;
    };
  }, [props.open, props.projectId, api]);

  async function submit() {
    setBusy(true);
    setError(null);
    const r = await api.sessions.create({
      projectId: props.projectId,
      prompt,
      ...(harness ? { harness } : {}),
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(branch.trim() ? { branch: branch.trim() } : {}),
      // The project's base is the default main applies anyway: sent only when another was picked.
      ...(base && project && base !== project.baseBranch ? { baseBranch: base } : {}),
    });
    setBusy(false);
    if (!r.ok) {
      setError(`The session was not started: ${r.error.message}`);
      return;
    }
    props.onClose();
    openSession(r.value.id);
  }

  const bases = project ? [...new Set([project.baseBranch, ...project.branches])] : [];
  return (
    <Dialog
      open={props.open}
      title="New session"
      onClose={props.onClose}
      testId="new-session-dialog"
      footer={
        <DialogActions
          secondary={{ label: 'Cancel', onClick: props.onClose }}
          primary={{ label: busy ? 'Starting…' : 'Start session', disabled: !prompt.trim() || busy, onClick: () => void submit() }}
        />
      }
    >
      <div className="form">
        <label className="field">
          <span className="field-label">First prompt</span>
          <textarea
            className="input"
            rows={5}
            autoFocus
            placeholder="What should the agent do?"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && prompt.trim() && !busy) void submit();
            }}
          />
          <span className="field-help">Ctrl+Enter starts the session.</span>
        </label>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Title</span>
            <input className="input" value={title} maxLength={120} placeholder={prompt.split('\n')[0]?.slice(0, 80) || 'From the first prompt'} onChange={(e) => setTitle(e.target.value)} />
          </label>
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
          </label>
        </div>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Branch</span>
            <input className="input mono" value={branch} maxLength={200} placeholder={project ? derivedBranch(project.prefix, title, prompt) : ''} onChange={(e) => setBranch(e.target.value)} />
            <span className="field-help">Left empty, it is named from the title.</span>
          </label>
          <label className="field">
            <span className="field-label">Base branch</span>
            <select className="input mono" value={base} onChange={(e) => setBase(e.target.value)} disabled={!project}>
              {bases.map((b) => (
                <option key={b} value={b}>
                  {b}
                  {project && b === project.baseBranch ? ' (project base)' : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        <span className="field-help">The session gets its own worktree on that branch. A custom agent uses the command in the project&apos;s settings.</span>
        {props.open && <AgentsOnMachine highlight={harness} />}
        {error && (
          <div className="banner" role="alert">
            {error}
          </div>
        )}
      </div>
    </Dialog>
  );
}
