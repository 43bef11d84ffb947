/** The Add project dialog: a repository by path, checked as it is typed. */
import { useEffect, useState } from 'react';
import type { PathInspection } from '../../../../shared/contracts/projects';
import { useBaton, useServices } from '../../app/react';
import { Dialog, DialogActions } from '../../ui/Dialog';

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'ok'; info: PathInspection } | { state: 'error'; message: string };

/** Add a repository by path, with the path checked as you type. */
export function AddProjectDialog(props: { open: boolean; onClose: () => void }) {
  const { api } = useServices();
  const canPick = useBaton((s) => s.status?.capabilities.folderPicker ?? false);
  const selectProject = useBaton((s) => s.selectProject);
  const [path, setPath] = useState('');
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);

  useEffect(() => {
    if (!props.open) {
      setPath('');
      setCheck({ state: 'idle' });
      setSubmitError(null);
    }
  }, [props.open]);

  useEffect(() => {
    const p = path.trim();
    if (!p) {
      setCheck({ state: 'idle' });
      return;
    }
    setCheck({ state: 'checking' });
    let live = true;
    const t = setTimeout(() => {
      void api.projects.inspect({ path: p }).then((r) => {
        if (!live) return;
        setCheck(r.ok ? { state: 'ok', info: r.value } : { state: 'error', message: r.error.message });
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [path, api]);

  async function pick() {
    const r = await api.app.pickFolder({});
    if (r.ok && r.value.path) setPath(r.value.path);
  }

  async function submit() {
    setSubmitting(true);
    setSubmitError(null);
    const r = await api.projects.add({ path: path.trim() });
    setSubmitting(false);
    if (!r.ok) {
      setSubmitError(r.error.message);
      return;
    }
    selectProject(r.value.project.id);
    props.onClose();
  }

  const existing = check.state === 'ok' ? check.info.existingProjectId : null;
  return (
    <Dialog
      open={props.open}
      title="Add project"
      onClose={props.onClose}
      testId="add-project-dialog"
      footer={
        <DialogActions
          secondary={{ label: 'Cancel', onClick: props.onClose }}
          primary={{ label: submitting ? 'Adding…' : existing ? 'Open project' : 'Add project', disabled: check.state !== 'ok' || submitting, onClick: () => void submit() }}
        />
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (check.state === 'ok') void submit();
        }}
      >
        <label className="field">
          <span className="field-label">Repository folder</span>
          <div className="field-row">
            <input
              className="input mono"
              autoFocus
              placeholder="/home/you/code/my-repo"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              aria-invalid={check.state === 'error'}
              aria-describedby="path-help"
              spellCheck={false}
            />
            {canPick && (
              <button type="button" className="btn" onClick={() => void pick()}>
                Browse…
              </button>
            )}
          </div>
          <span id="path-help" className={`field-help ${check.state === 'error' ? 'field-error' : ''}`} data-testid="path-check" data-state={check.state}>
            {check.state === 'idle' && 'The full path of a git repository on this machine (any folder inside it works), or ssh://host/path for one on another machine.'}
            {check.state === 'checking' && 'Checking…'}
            {check.state === 'error' && check.message}
            {check.state === 'ok' &&
              (existing
                ? `Already a project: ${check.info.topLevel}`
                : `✓ Git repository ${check.info.topLevel}${check.info.currentBranch ? ` on ${check.info.currentBranch}` : ''}`)}
          </span>
        </label>
        {submitError && (
          <div className="banner" role="alert">
            {submitError}
          </div>
        )}
      </form>
    </Dialog>
  );
}
