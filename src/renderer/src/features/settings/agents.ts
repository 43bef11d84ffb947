/** The agents slice: the agents this machine has, as main last looked. */
import type { StateCreator } from 'zustand';
import type { AgentsReport } from '../../../../shared/contracts/agents';
import type { BatonState, StoreDeps } from '../../app/types';

export interface AgentsSlice {
  /** The agents this machine has, as main last looked (null until the first answer). */
  agents: AgentsReport | null;
  agentsError: string | null;
  agentsLoading: boolean;
  /** Main answers from its cache; `refresh` makes it look at the machine again. */
  loadAgents(refresh?: boolean): Promise<void>;
}

export const createAgentsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], AgentsSlice> =>
  (set) => ({
    agents: null,
    agentsError: null,
    agentsLoading: false,
    async loadAgents(refresh = false) {
      set({ agentsLoading: true });
      const r = await deps.api.agents.list(refresh ? { refresh: true } : {});
      set(r.ok ? { agents: r.value, agentsError: null, agentsLoading: false } : { agentsError: r.error.message, agentsLoading: false });
    },
  });

export const selectAgents = (s: BatonState) => s.agents?.agents ?? null;
