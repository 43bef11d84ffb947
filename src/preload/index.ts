import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type BatonBridge } from '../shared/ipc';

// A transport only: every procedure goes through `invoke`, every event through `subscribe` (by name, or name and topic).
const listeners = new Map<string, Set<(payload: unknown) => void>>();
const key = (name: string, topic: string | null | undefined): string => (topic ? `${name}\u0000${topic}` : name);

ipcRenderer.on(IPC.event, (_e: IpcRendererEvent, name: string, payload: unknown, topic: string | null) => {
  for (const cb of listeners.get(key(name, topic)) ?? []) cb(payload);
});

const bridge: BatonBridge = {
  invoke: (name, input) => ipcRenderer.invoke(IPC.invoke, name, input),
  subscribe(name, callback, topic) {
    const k = key(name, topic);
    let set = listeners.get(k);
    if (!set) {
      set = new Set();
      listeners.set(k, set);
      ipcRenderer.send(IPC.subscribe, name, topic ?? null);
    }
    set.add(callback);
    return () => {
      set.delete(callback);
      if (set.size === 0) {
        listeners.delete(k);
        ipcRenderer.send(IPC.unsubscribe, name, topic ?? null);
      }
    };
  },
};

contextBridge.exposeInMainWorld('baton', bridge);
