/** The terminals contract's handlers: input checked by the router, work done by the service. */
import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import { chosenOpener, type OpenApp } from '../../shared/contracts/terminals';
import { fail, ok } from '../../shared/result';
import { detectOpeners, launchOpener, openCommand } from './open-in';
import type { TerminalsService } from './service';

/** `editorSetting`: the app setting naming what "Open in editor" uses (null: the first detected). */
export function terminalsHandlers<Ctx>(service: TerminalsService, editorSetting: () => OpenApp | null): HandlersOf<Contract, Ctx>['terminals'] {
  return {
    list: (filter) => ok(service.list(filter)),
    get: ({ id }) => service.get(id),
    open: (q) => service.open(q),
    runCommand: ({ projectId }) => ok({ command: service.runCommand(projectId) }),
    setRunCommand: ({ projectId, command }) => service.setRunCommand(projectId, command),
    run: ({ projectId, worktreeId }) => service.run(projectId, worktreeId),
    input: ({ id, data }) => service.input(id, data),
    resize: ({ id, cols, rows }) => service.resize(id, cols, rows),
    kill: ({ id }) => service.kill(id),
    restart: ({ id }) => service.restart(id),
    close: ({ id, kill }) => service.close(id, kill === true),
    scrollback: ({ id }) => service.scrollback(id),
    openers: () => ok(detectOpeners()),
    async openIn({ app: asked, ...where }) {
      const place = service.place(where);
      if (!place.ok) return place;
      const app = asked ?? chosenOpener(editorSetting(), detectOpeners());
      if (!app) return fail('no_opener', 'No editor or file manager was found on this machine: install VS Code or Cursor (with its command on PATH), set $EDITOR, or install xdg-utils.');
      if (app === 'editor') {
        const editor = process.env.VISUAL || process.env.EDITOR;
        if (!editor) return fail('no_editor', 'Neither $VISUAL nor $EDITOR is set in the environment Baton was started with; set one, or choose VS Code, Cursor or the file manager.');
        const t = await service.openEditor(where, editor);
        return t.ok ? ok({ app, how: `terminal ${t.value.id}` }) : t;
      }
      // An app of this machine would open a path of the other one (or an unrelated folder here): only $EDITOR, run in a terminal there, opens an SSH project's checkout.
      const dest = place.value.destination;
      if (dest) return fail('remote_project', `The checkout is on ${dest.replace(/^ssh:\/\//, '')}, so ${app === 'files' ? 'a file manager' : 'an editor'} here cannot open it. Open in $EDITOR (it runs in a terminal there), or use your editor's remote mode (VS Code: Remote-SSH) on ${place.value.root}.`);
      const cmd = openCommand(app, place.value.root);
      if (!cmd.ok) return cmd;
      const r = await launchOpener(cmd.value);
      return r.ok ? ok({ app, how: cmd.value.command }) : r;
    },
  };
}
