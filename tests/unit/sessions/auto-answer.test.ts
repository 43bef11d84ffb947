import { describe, expect, it } from 'vitest';
import { allowOption, autoAnswer, batonToolOf, sessionMetaFor } from '../../../src/main/sessions/auto-answer';
import { AUTO_ANSWER_META_KEY } from '../../../src/shared/baton-tools';

/** A permission request as claude-agent-acp sends it for a tool its settings do not allow. */
const claudeAsks = (title: string, rawInput: unknown = {}, kind = 'other') => ({
  sessionId: 's',
  toolCall: { toolCallId: 'toolu_1', title, kind, status: 'pending', rawInput, content: [] },
  options: [
    { kind: 'allow_always', name: 'Always Allow', optionId: 'allow_always' },
    { kind: 'allow_once', name: 'Allow', optionId: 'allow' },
    { kind: 'reject_once', name: 'Reject', optionId: 'reject' },
  ],
});
const GIVEN = ['baton'];

describe("Baton answers its own tools' permission requests", () => {
  it('recognises each of its tools by the exact name Claude Code gives it, with that tool\'s input', () => {
    expect(batonToolOf(claudeAsks('mcp__baton__list_tasks', { status: 'open' }), GIVEN)).toBe('list_tasks');
    expect(batonToolOf(claudeAsks('mcp__baton__claim_next_run'), GIVEN)).toBe('claim_next_run');
    expect(batonToolOf(claudeAsks('mcp__baton__wait_for_changes', { timeoutSeconds: 60 }), GIVEN)).toBe('wait_for_changes');
    expect(autoAnswer(claudeAsks('mcp__baton__list_tasks'), GIVEN)).toEqual({ outcome: { outcome: 'selected', optionId: 'allow' }, _meta: { [AUTO_ANSWER_META_KEY]: 'baton_tool' } });
  });

  it.each([
    ['another server, same tool', claudeAsks('mcp__other__list_tasks')],
    ['a server whose name only starts like ours', claudeAsks('mcp__baton_evil__list_tasks')],
    ['a longer server name', claudeAsks('mcp__batons__list_tasks')],
    ['a tool our server does not have', claudeAsks('mcp__baton__delete_everything')],
    ['a suffix after our tool', claudeAsks('mcp__baton__list_tasks_all')],
    ['the plain tool name', claudeAsks('list_tasks')],
    ['a different case', claudeAsks('MCP__baton__list_tasks')],
    // Claude Code titles a Bash call by its command line: a command named like our tool is a shell command.
    ['a shell command named like our tool', claudeAsks('mcp__baton__list_tasks', { command: 'mcp__baton__list_tasks' }, 'execute')],
    ['our title with a shell command as input', claudeAsks('mcp__baton__claim_next_run', { command: 'rm -rf /' })],
    ['input our tool does not take', claudeAsks('mcp__baton__list_tasks', { status: 'everything' })],
    ['no input at all', { toolCall: { title: 'mcp__baton__list_tasks', kind: 'other' }, options: claudeAsks('x').options }],
    ['no tool call', { options: claudeAsks('x').options }],
  ])('leaves to a person: %s', (_why, params) => {
    expect(autoAnswer(params, GIVEN)).toBeNull();
  });

  it('never answers for a session that was not given Baton\'s server (a worker, or no bridge): a tool by that name is someone else\'s', () => {
    expect(autoAnswer(claudeAsks('mcp__baton__list_tasks'), [])).toBeNull();
    expect(autoAnswer(claudeAsks('mcp__baton__list_tasks'), ['other'])).toBeNull();
  });

  it('allows once when offered, else always; with no allow option a person answers', () => {
    expect(allowOption(claudeAsks('x'))).toBe('allow');
    expect(allowOption({ options: [{ kind: 'reject_once', optionId: 'no' }, { kind: 'allow_always', optionId: 'yes-always' }] })).toBe('yes-always');
    const onlyReject = { ...claudeAsks('mcp__baton__list_tasks'), options: [{ kind: 'reject_once', name: 'Reject', optionId: 'reject' }] };
    expect(autoAnswer(onlyReject, GIVEN)).toBeNull();
  });

  it("pre-allows Baton's tools in Claude Code's session options, and only there", () => {
    const meta = sessionMetaFor('claude-code', GIVEN) as { claudeCode: { options: { allowedTools: string[] } } };
    expect(meta.claudeCode.options.allowedTools).toContain('mcp__baton__list_tasks');
    expect(meta.claudeCode.options.allowedTools).toContain('mcp__baton__wait_for_changes');
    expect(meta.claudeCode.options.allowedTools.every((t) => t.startsWith('mcp__baton__'))).toBe(true);
    expect(sessionMetaFor('claude-code', [])).toBeUndefined();
    expect(sessionMetaFor('codex', GIVEN)).toBeUndefined();
    expect(sessionMetaFor('custom', GIVEN)).toBeUndefined();
  });
});

/** The request with its tool call's locations (as claude-agent-acp sends the files an Edit or Read names). */
const inWorktree = <T extends { toolCall: object }>(req: T, ...paths: string[]): T => ({ ...req, toolCall: { ...req.toolCall, locations: paths.map((path) => ({ path })) } });

describe('approval policies: which requests Baton answers by itself', () => {
  const KINDS = ['read', 'edit', 'delete', 'move', 'search', 'execute', 'think', 'fetch', 'switch_mode', 'other'] as const;
  // The kinds each policy covers; every other kind is left to a person.
  const COVERS: Record<'ask' | 'edits' | 'all', readonly string[]> = {
    ask: [],
    edits: ['read', 'edit', 'search', 'think'],
    all: KINDS,
  };
  for (const policy of ['ask', 'edits', 'all'] as const) {
    it(`${policy}: allows once, marked with the policy, exactly the kinds it covers`, () => {
      for (const kind of KINDS) {
        const got = autoAnswer(inWorktree(claudeAsks('Some tool', {}, kind), '/wt/s/src/a.ts'), [], policy, '/wt/s');
        if (COVERS[policy].includes(kind)) expect(got).toEqual({ outcome: { outcome: 'selected', optionId: 'allow' }, _meta: { [AUTO_ANSWER_META_KEY]: `policy_${policy}` } });
        else expect(got, `${policy} must leave ${kind} to a person`).toBeNull();
      }
    });
  }

  it('Auto-approve edits covers file kinds only inside the session\'s folder, and only when the request names its paths', () => {
    const edit = (...paths: string[]) => autoAnswer(inWorktree(claudeAsks('Edit', {}, 'edit'), ...paths), [], 'edits', '/wt/s');
    expect(edit('/wt/s/a.ts', '/wt/s/deep/b.ts')).not.toBeNull();
    expect(edit('/wt/s')).not.toBeNull();
    expect(edit('/home/me/.bashrc'), 'outside the worktree').toBeNull();
    expect(edit('/wt/s/../other/a.ts'), 'climbs out').toBeNull();
    expect(edit('/wt/sibling/a.ts'), 'a prefix is not a parent').toBeNull();
    expect(edit('/wt/s/a.ts', '/etc/passwd'), 'one path outside is enough').toBeNull();
    expect(edit('relative/a.ts'), 'not absolute').toBeNull();
    expect(edit(), 'no paths named').toBeNull();
    const read = autoAnswer(inWorktree(claudeAsks('Read', {}, 'read'), '/home/me/.ssh/id_rsa'), [], 'edits', '/wt/s');
    expect(read).toBeNull();
    // Auto-approve everything is everything.
    expect(autoAnswer(inWorktree(claudeAsks('Edit', {}, 'edit'), '/home/me/.bashrc'), [], 'all', '/wt/s')).not.toBeNull();
  });

  it('a request with no kind is "other": only Auto-approve everything covers it', () => {
    const noKind = { ...claudeAsks('Some tool'), toolCall: { toolCallId: 't', title: 'Some tool' } };
    expect(autoAnswer(noKind, [], 'edits')).toBeNull();
    expect(autoAnswer(noKind, [], 'all')).not.toBeNull();
  });

  it('never answers a request that offers nothing to allow, and Baton tools stay Baton tools under any policy', () => {
    const onlyReject = { ...claudeAsks('Edit', {}, 'edit'), options: [{ kind: 'reject_once', name: 'Reject', optionId: 'reject' }] };
    expect(autoAnswer(onlyReject, [], 'all')).toBeNull();
    expect(autoAnswer(claudeAsks('mcp__baton__list_tasks'), GIVEN, 'all')?._meta).toEqual({ [AUTO_ANSWER_META_KEY]: 'baton_tool' });
  });
});
