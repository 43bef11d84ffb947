import { describe, expect, it } from 'vitest';
import { paletteCommands, type PaletteContext } from '../../src/renderer/src/features/palette/commands';
import type { ProjectSummary } from '../../src/shared/contracts/projects';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import type { SessionState } from '../../src/shared/session-state';
import type { TerminalView } from '../../src/shared/contracts/terminals';

const project = (id: string, name: string): ProjectSummary => ({
  id,
  name,
  path: `/repos/${name}`,
  host: { kind: 'local' },
  hostLink: null,
  prefix: name,
  baseBranch: 'main',
  orchestratorAgent: 'custom',
  orchestratorLaunch: null,
  sessionCounts: { active: 0, total: 0 },
  notificationsMuted: false,
});
const session = (state: SessionState, over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1',
  projectId: 'p1',
  role: 'worker',
  harness: 'custom',
  title: 'Fix login',
  state,
  hibernated: false,
  stateDetail: null,
  branch: 'baton/p-fix',
  worktreePath: '/wt/fix',
  lastSeq: 0,
  divergence: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archived: null,
  ...over,
});
const ctx = (over: Partial<PaletteContext> = {}): PaletteContext => ({ projects: [project('p1', 'web'), project('p2', 'api')], project: project('p1', 'web'), session: null, sessionOpen: false, hasOrchestrator: true, ...over });
const byId = (c: PaletteContext) => Object.fromEntries(paletteCommands(c).map((x) => [x.id, x]));

describe('the palette commands', () => {
  it('with no project, project commands say to add one; other projects are offered, not the current one', () => {
    const none = byId(ctx({ project: null }));
    expect(none['new-session']?.disabled).toBe('Add or open a project first.');
    expect(none['tab-tasks']?.disabled).toBe('Add or open a project first.');
    expect(none['add-project']?.disabled).toBeNull();
    const some = byId(ctx());
    expect(some['project:p2']).toMatchObject({ label: 'Project: api', disabled: null });
    expect(some['project:p1']).toBeUndefined();
    expect(some['new-session']).toMatchObject({ shortcut: 'N', disabled: null });
  });

  it("session commands follow the session's affordances, and say why one is off", () => {
    const idle = byId(ctx({ session: session('idle'), sessionOpen: true }));
    expect(idle['session-open']).toBeUndefined();
    expect(idle['session-prompt']?.disabled).toBeNull();
    expect(idle['session-cancel']?.disabled).toBe('Nothing to cancel: the agent is not working on a turn.');
    expect(idle['session-stop']).toMatchObject({ disabled: null, confirm: expect.stringContaining('Stop this session?') as string });
    expect(idle['session-archive']?.disabled).toContain('stop it first');

    const stopped = byId(ctx({ session: session('stopped') }));
    expect(stopped['session-open']?.disabled).toBeNull();
    expect(stopped['session-restart']?.disabled).toBeNull();
    expect(stopped['session-prompt']?.disabled).toBe('The agent cannot take a prompt now: it is stopped. Press Restart to start its agent again and resume the conversation.');
    expect(stopped['session-stop']?.disabled).toBe('It has already stopped.');

    const noWorktree = byId(ctx({ session: session('idle', { worktreePath: null }) }));
    expect(noWorktree['session-changes']?.disabled).toBe('It has no worktree to review.');
  });

  it('mutes or unmutes the open project’s notifications, by what it is now', () => {
    expect(byId(ctx())['project-mute']).toMatchObject({ label: 'Mute this project’s notifications', disabled: null });
    const muted = { ...project('p1', 'web'), notificationsMuted: true };
    expect(byId(ctx({ project: muted }))['project-mute']?.label).toBe('Unmute this project’s notifications');
    expect(byId(ctx({ project: null }))['project-mute']?.disabled).toBe('Add or open a project first.');
  });

  it('replace is offered only where there is an orchestrator to replace, and asks first', () => {
    expect(byId(ctx({ hasOrchestrator: false }))['replace-orchestrator']?.disabled).toContain('no orchestrator to replace');
    expect(byId(ctx())['replace-orchestrator']).toMatchObject({ disabled: null, confirm: expect.stringContaining('Replace the orchestrator?') as string });
  });

  it("terminal commands: a shell in the session's worktree or the project, the run command, and each terminal to switch to", () => {
    const term = (over: Partial<TerminalView>): TerminalView => ({
      id: 't1', projectId: 'p1', worktreeId: null, cwd: '/repos/web', title: 'web · 1', kind: 'shell', state: 'running', exitCode: null,
      stateDetail: null, unreachable: null, cols: 80, rows: 24, ports: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
    });
    const plain = byId(ctx({ runCommand: null }));
    expect(plain['terminal-new-worktree']).toBeUndefined();
    expect(plain['terminal-new-project']).toMatchObject({ group: 'Terminal', disabled: null });
    expect(plain['terminal-run']?.disabled).toContain('no run command: set one in Project settings');
    expect(byId(ctx())['terminal-run']?.disabled).toBe('Reading the run command…');
    expect(byId(ctx({ project: null, runCommand: 'npm run dev' }))['terminal-new-project']?.disabled).toBe('Add or open a project first.');

    const withSession = byId(ctx({ session: session('idle'), runCommand: 'npm run dev', terminals: [term({}), term({ id: 't2', worktreeId: 'w1', cwd: '/wt/fix', title: 'fix · 1', state: 'lost' })] }));
    expect(withSession['terminal-new-worktree']).toMatchObject({ label: 'New terminal in this worktree: “Fix login”', disabled: null });
    expect(withSession['terminal-run']).toMatchObject({ label: "Run the project's run command: npm run dev", disabled: null });
    expect(withSession['terminal:t1']?.label).toBe('Switch to terminal: web · 1 (main checkout, running)');
    expect(withSession['terminal:t2']?.label).toBe('Switch to terminal: fix · 1 (fix, lost)');
    expect(byId(ctx({ session: session('idle', { worktreePath: null }) }))['terminal-new-worktree']?.disabled).toBe('The session has no worktree.');
  });
});
