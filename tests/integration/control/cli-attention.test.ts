import { describe, expect, it } from 'vitest';
import type { SessionShow } from '../../../src/cli/attention';
import type { InboxView } from '../../../src/shared/contracts/inbox';
import type { ProjectSettings, ProjectSummary } from '../../../src/shared/contracts/projects';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { makeRepo } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { inProcessCli } from './cli-harness';
import { json } from './helpers';

/** The attention verbs against a running app (over its control socket), on a real scripted agent. */
let app: AppProcess | null = null;
const { temp, useDataDir, baton } = inProcessCli({
  beforeCleanup: async () => {
    if (app) await stopAndKill(app);
    app = null;
  },
});

const SCRIPT = {
  prompts: [
    {
      match: 'ask',
      steps: [
        {
          type: 'permission',
          toolCallId: 'build-{turn}',
          title: 'Shell: make build',
          kind: 'execute',
          options: [
            { optionId: 'yes', name: 'Allow', kind: 'allow_once' },
            { optionId: 'yes-always', name: 'Always Allow', kind: 'allow_always' },
            { optionId: 'no', name: 'Reject', kind: 'reject_once' },
          ],
        },
        { type: 'text', text: 'built it' },
      ],
    },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

describe('baton inbox, answer, session show and policy', () => {
  it('a waiting permission is listed, shown, answered by kind, and the agent goes on; errors say what to do', { timeout: 180_000 }, async () => {
    const dataDir = useDataDir('baton-cli-attention-');
    app = await startApp({ dataDir, token: 'cli-attention-token-0123456789-abcdef' });
    const { project } = await app.call<{ project: ProjectSummary }>('projects.add', { path: makeRepo(temp('baton-cli-attention-repo-')), name: 'Attention' });
    await app.call('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(temp('baton-cli-attention-script-'), SCRIPT) } });
    const added = { project };

    const session = json<SessionSummary>(await baton('session', 'new', added.project.prefix, '--prompt', 'ask before building', '--json'));
    const id = session.id.slice(0, 8);
    const inbox = await waitUntil(async () => json<InboxView>(await baton('inbox', '--json')), (v) => v.items.some((i) => i.reason === 'permission'), 60_000, 'the request in the inbox');
    expect(inbox.items).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'permission', action: 'answer', summary: 'Shell: make build' })]);
    expect(inbox.items[0]?.request?.options.map((o) => o.optionId)).toEqual(['yes', 'yes-always', 'no']);
    const table = await baton('inbox');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('permission');
    expect(table.stdout).toContain(`baton answer ${id} allow|allow-always|reject`);

    const shown = json<SessionShow>(await baton('session', 'show', id, '--json'));
    expect(shown.status).toBe('Needs you');
    expect(shown.pending.map((p) => p.title)).toEqual(['Shell: make build']);
    expect(shown.recent.some((i) => i.type === 'user' && i.text === 'ask before building')).toBe(true);

    // An option the request does not offer: the options are named.
    const wrong = await baton('answer', id, 'maybe');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('offers no option "maybe"');
    expect(wrong.stderr).toContain('yes (allow_once)');

    // "allow-always" is the kind: the agent's own id for it is sent.
    expect(json<{ optionId: string; answered: boolean }>(await baton('answer', id, 'allow-always', '--json'))).toMatchObject({ optionId: 'yes-always', answered: true });
    const agentSaid = (v: SessionShow) => v.recent.map((i) => (i.type === 'agent' ? i.text : '')).join('');
    const after = await waitUntil(async () => json<SessionShow>(await baton('session', 'show', id, '--json')), (v) => v.session.state === 'idle' && agentSaid(v).includes('built it'), 60_000, 'the turn to end after the answer');
    // The agent says which option reached it (its message chunks run together in one block).
    expect(agentSaid(after)).toContain('permission build-0: yes-always');
    expect(after.pending).toEqual([]);
    expect((await baton('session', 'show', id)).stdout).toContain('asked: Shell: make build → Always Allow');

    const none = await baton('answer', id, 'allow');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`Session ${id} has no permission request waiting (it is Idle`);
    expect(json<InboxView>(await baton('inbox', '--json')).items.filter((i) => i.reason === 'permission')).toEqual([]);

    // Policies: a project's, a session's own, and back to inheriting.
    expect(json<ProjectSettings>(await baton('policy', added.project.prefix, 'all', '--json')).approvalPolicy).toBe('all');
    expect(json<SessionSummary>(await baton('policy', id, 'edits', '--json')).approvalPolicy).toBe('edits');
    expect(json<SessionSummary>(await baton('policy', id, 'inherit', '--json')).approvalPolicy).toBeNull();
    const projectInherit = await baton('policy', added.project.prefix, 'inherit');
    expect(projectInherit.code).toBe(1);
    expect(projectInherit.stderr).toContain('`inherit` is for a session');
    expect((await baton('policy', id, 'maybe')).code).toBe(2);
    expect((await baton('policy', 'nothing-like-it', 'ask')).stderr).toContain('No project or session matches "nothing-like-it"');
  });
});
