/** A project's Settings tab: name, base branch, agents, new-worktree setup, environment, and Remove. */
import { useEffect, useState } from 'react';
import type { CopyFile, ProjectPatch, ProjectSettings as Settings } from '../../../../shared/contracts/projects';
import { APPROVAL_POLICIES, APPROVAL_POLICY_LABEL } from '../../../../shared/approval';
import { HARNESS_IDS, HARNESS_LABELS, type HarnessId } from '../../../../shared/harness';
import { useBaton, useServices } from '../../app/react';
import { RunCommandSetting } from '../terminals';
import { EnvEditor } from './EnvEditor';
import { ProjectNotifications } from './ProjectNotifications';

type Draft = Required<Pick<ProjectPatch, 'name' | 'prefix' | 'baseBranch' | 'orchestratorAgent' | 'workerAgent' | 'customCommand' | 'orchestratorCustomCommand' | 'approvalPolicy'>> & {
  setupCommands: string;
  copyFiles: CopyFile[];
};

const draftOf = (s: Settings): Draft => ({
  name: s.name,
  prefix: s.prefix,
  baseBranch: s.baseBranch,
  orchestratorAgent: s.orchestratorAgent,
  workerAgent: s.workerAgent,
  customCommand: s.customCommand,
  orchestratorCustomCommand: s.orchestratorCustomCommand,
  approvalPolicy: s.approvalPolicy,
  setupCommands: s.setupCommands.join('\n'),
  copyFiles: s.copyFiles,
});

export function ProjectSettings({ projectId }: { projectId: string }) {
  const { api } = useServices();
  const selectProject = useBaton((s) => s.selectProject);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  useEffect(() => {
    let live = true;
    void api.projects.get({ id: projectId }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setSettings(r.value);
        setDraft(draftOf(r.value));
      } else setLoadError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, projectId]);

  if (loadError) return <div className="banner" role="alert">Could not load the settings: {loadError}</div>;
  if (!settings || !draft) return <div className="muted">Loading settings…</div>;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft({ ...draft, [k]: v });
    setSaveState({ kind: 'idle' });
  };

  async function save() {
    if (!draft) return;
    setSaveState({ kind: 'saving' });
    const patch: ProjectPatch = {
      name: draft.name,
      prefix: draft.prefix,
      baseBranch: draft.baseBranch,
      orchestratorAgent: draft.orchestratorAgent,
      workerAgent: draft.workerAgent,
      customCommand: draft.customCommand,
      orchestratorCustomCommand: draft.orchestratorCustomCommand,
      approvalPolicy: draft.approvalPolicy,
      setupCommands: draft.setupCommands.split('\n').map((l) => l.trim()).filter(Boolean),
      copyFiles: draft.copyFiles.filter((f) => f.path.trim()),
    };
    const r = await api.projects.update({ id: projectId, patch });
    if (r.ok) {
      setSettings(r.value);
      setDraft(draftOf(r.value));
      setSaveState({ kind: 'saved' });
    } else setSaveState({ kind: 'error', message: r.error.message });
  }

  async function remove() {
    if (!window.confirm(`Remove "${settings?.name}" from Baton? The repository itself is not touched.`)) return;
    const r = await api.projects.remove({ id: projectId });
    if (r.ok) selectProject(null);
    else setSaveState({ kind: 'error', message: r.error.message });
  }

  const agentSelect = (key: 'orchestratorAgent' | 'workerAgent') => (
    <select className="input" value={draft[key]} onChange={(e) => set(key, e.target.value as HarnessId)}>
      {HARNESS_IDS.map((id) => (
        <option key={id} value={id}>
          {HARNESS_LABELS[id]}
        </option>
      ))}
    </select>
  );

  return (
    <div className="settings" data-testid="project-settings">
      <section className="card">
        <h3>General</h3>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Name</span>
            <input className="input" value={draft.name} onChange={(e) => set('name', e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Session prefix</span>
            <input className="input mono" value={draft.prefix} onChange={(e) => set('prefix', e.target.value)} />
            <span className="field-help">
              Branches are named <code>baton/{draft.prefix || '…'}-&lt;session&gt;</code>.
            </span>
          </label>
          <label className="field">
            <span className="field-label">Base branch</span>
            <select className="input" value={draft.baseBranch} onChange={(e) => set('baseBranch', e.target.value)}>
              {settings.branches.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          </label>
          <div className="field">
            <span className="field-label">Repository</span>
            <span className="mono muted">{settings.path}</span>
          </div>
          <label className="field">
            <span className="field-label">Orchestrator agent</span>
            {agentSelect('orchestratorAgent')}
          </label>
          <label className="field">
            <span className="field-label">Worker agent</span>
            {agentSelect('workerAgent')}
          </label>
          <label className="field">
            <span className="field-label">Approval policy</span>
            <select className="input" value={draft.approvalPolicy} onChange={(e) => set('approvalPolicy', APPROVAL_POLICIES.find((p) => p === e.target.value) ?? 'ask')}>
              {APPROVAL_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {APPROVAL_POLICY_LABEL[p]}
                </option>
              ))}
            </select>
            <span className="muted small">What Baton answers by itself for this project's sessions; each answer is journaled and shown as auto-approved.</span>
          </label>
        </div>
        <label className="field">
          <span className="field-label">Custom agent command</span>
          <input
            className="input mono"
            placeholder="node /path/to/my-agent.mjs --acp"
            value={draft.customCommand}
            onChange={(e) => set('customCommand', e.target.value)}
            spellCheck={false}
          />
          <span className="field-help">Used when an agent above is “Custom command”: a program that speaks ACP on stdio. Split like a shell would, but never run through one.</span>
        </label>
        <label className="field">
          <span className="field-label">Orchestrator’s custom command</span>
          <input
            className="input mono"
            placeholder="Same as the custom agent command"
            value={draft.orchestratorCustomCommand}
            onChange={(e) => set('orchestratorCustomCommand', e.target.value)}
            spellCheck={false}
          />
          <span className="field-help">Optional: the orchestrator runs this one when it is a “Custom command” agent; workers keep the command above. Empty: both run the command above.</span>
        </label>
      </section>

      <section className="card">
        <h3>New worktrees</h3>
        <label className="field">
          <span className="field-label">Setup commands (run in /bin/sh)</span>
          <textarea
            className="input mono"
            rows={3}
            placeholder={'npm ci\nmake generate'}
            value={draft.setupCommands}
            onChange={(e) => set('setupCommands', e.target.value)}
          />
          <span className="field-help">
            Shell lines, one per line, each run with <code>/bin/sh -c</code> (<code>cmd.exe /c</code> on Windows) in each new worktree, in order, with your
            permissions: pipes, <code>&amp;&amp;</code> and variables work. Output is kept; a failing line stops the ones after it, is shown, and the session stays usable.
          </span>
        </label>
        <div className="field">
          <span className="field-label">Files from the main checkout</span>
          {draft.copyFiles.map((f, i) => (
            <div className="field-row" key={i}>
              <input
                className="input mono"
                value={f.path}
                placeholder=".env"
                aria-label="File path"
                onChange={(e) => set('copyFiles', draft.copyFiles.map((x, j) => (j === i ? { ...x, path: e.target.value } : x)))}
              />
              <select
                className="input input-narrow"
                value={f.mode}
                aria-label="How"
                onChange={(e) => set('copyFiles', draft.copyFiles.map((x, j) => (j === i ? { ...x, mode: e.target.value as CopyFile['mode'] } : x)))}
              >
                <option value="copy">Copy</option>
                <option value="symlink">Symlink</option>
              </select>
              <button className="btn btn-ghost" onClick={() => set('copyFiles', draft.copyFiles.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <div>
            <button className="btn btn-sm" onClick={() => set('copyFiles', [...draft.copyFiles, { path: '', mode: 'copy' }])}>
              Add file
            </button>
          </div>
          <span className="field-help">Paths inside the repository, e.g. untracked config such as .env.</span>
        </div>
      </section>

      <div className="settings-actions">
        <button className="btn btn-primary" onClick={() => void save()} disabled={saveState.kind === 'saving'}>
          {saveState.kind === 'saving' ? 'Saving…' : 'Save settings'}
        </button>
        {saveState.kind === 'saved' && <span className="ok-text" role="status">Saved</span>}
        {saveState.kind === 'error' && (
          <span className="error-text" role="alert">
            {saveState.message}
          </span>
        )}
      </div>

      <EnvEditor projectId={projectId} initial={settings.env} />
      <RunCommandSetting projectId={projectId} />

      <ProjectNotifications projectId={projectId} />

      <section className="card card-danger">
        <h3>Remove project</h3>
        <p className="muted">Baton forgets the project. The repository and its branches stay as they are.</p>
        <div>
          <button className="btn btn-danger" onClick={() => void remove()}>
            Remove project
          </button>
        </div>
      </section>
    </div>
  );
}
