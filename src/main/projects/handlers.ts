import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import { ok } from '../../shared/result';
import type { ProjectsRepository } from './repository';
import type { ProjectsService } from './service';

export function projectsHandlers<Ctx>(repo: ProjectsRepository, service: ProjectsService): HandlersOf<Contract, Ctx>['projects'] {
  return {
    list: () => ok(service.list()),
    inspect: ({ path }) => service.inspect(path),
    add: (input) => service.add(input),
    get: ({ id }) => service.get(id),
    update: ({ id, patch }) => service.update(id, patch),
    setEnv: ({ id, key, value }) => service.setEnv(id, key, value),
    deleteEnv: ({ id, key }) => service.deleteEnv(id, key),
    remove: ({ id }) => service.remove(id),
  };
}
