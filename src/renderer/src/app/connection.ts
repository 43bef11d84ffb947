/** The connection slice: the transport's state, as the status bar shows it. */
import type { StateCreator } from 'zustand';
import type { ConnectionState } from '../api/transport';
import type { BatonState } from './types';

export interface ConnectionSlice {
  connection: ConnectionState;
  setConnection(state: ConnectionState): void;
}

export const createConnectionSlice: StateCreator<BatonState, [], [], ConnectionSlice> = (set) => ({
  connection: { kind: 'connecting' },
  setConnection: (connection) => set({ connection }),
});

export type ConnectionLabel = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export const selectConnectionLabel = (s: BatonState): ConnectionLabel => s.connection.kind;
