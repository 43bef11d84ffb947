import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type BatonBridge } from '../shared/ipc';

// A transport only: every procedure goes through `invoke`, every event through `subscribe`.
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC.event, (_e: IpcRendererEvent, name: string, payload: unknown) => {
  for (const cb of listeners.get(name) ?? []) cb(payload);
});

const bridge: BatonBridge = {
  invoke: (name, input) => ipcRenderer.invoke(IPC.invoke, name, input),
  subscribe(name, callback) {
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
      ipcRenderer.send(IPC.subscribe, name);
    }
    set.add(callback);
    return () => {
      set.delete(callback);
      if (set.size === 0) {
        listeners.delete(name);
        ipcRenderer.send(IPC.unsubscribe, name);
      }
    };
  },
};

contextBridge.exposeInMainWorld('baton', bridge);
