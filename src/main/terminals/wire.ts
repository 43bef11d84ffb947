/** The terminals domain put together from its repository, service, port scan and handlers: what core.ts wires in one call. */
import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { OpenApp, TerminalOutput } from '../../shared/contracts/terminals';
import type { Db } from '../store/db';
import { terminalsHandlers } from './handlers';
import type { TerminalHostPort } from './host-port';
import type { PlaceDeps } from './place';
import { scanTerminalPorts } from './ports';
import { createTerminalsRepository } from './repository';
import { createTerminalsService, type TerminalsService } from './service';

export interface TerminalsDomainDeps extends PlaceDeps {
  db: Db;
  dataDir: string;
  port: TerminalHostPort;
  projectEnv(projectId: string): Record<string, string>;
  emitChanged(t: { terminalId: string; projectId: string; worktreeId: string | null }): void;
  emitOutput(o: TerminalOutput): void;
  /** The app setting for "Open in editor" (null: the first detected). */
  editorSetting(): OpenApp | null;
}

export function createTerminalsDomain<Ctx>(deps: TerminalsDomainDeps): { service: TerminalsService; handlers: HandlersOf<Contract, Ctx>['terminals'] } {
  const { db, editorSetting, ...rest } = deps;
  const service = createTerminalsService({ ...rest, repo: createTerminalsRepository(db), scanPorts: scanTerminalPorts });
  return { service, handlers: terminalsHandlers<Ctx>(service, editorSetting) };
}
