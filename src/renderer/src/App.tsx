import { useState } from 'react';
import { selectStoreError } from './stores/app';
import { useBaton } from './stores/react';
import { BoardEmpty } from './components/Board';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { StoreErrorScreen } from './components/StoreErrorScreen';

export function App() {
  const storeError = useBaton(selectStoreError);
  const projects = useBaton((s) => s.projects);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [, setAdding] = useState(false);
  const selected = projects.find((p) => p.id === selectedId) ?? null;

  if (storeError) {
    return (
      <div className="frame">
        <div style={{ gridColumn: '1 / -1' }}>
          <StoreErrorScreen error={storeError} />
        </div>
        <StatusBar />
      </div>
    );
  }

  return (
    <div className="frame">
      <Sidebar onAddProject={() => setAdding(true)} selectedId={selectedId} onSelect={setSelectedId} />
      <main className="main">
        <header className="main-header">
          <h1>{selected ? selected.name : 'Board'}</h1>
        </header>
        <div className="main-body">
          <BoardEmpty onAddProject={() => setAdding(true)} />
        </div>
      </main>
      <StatusBar />
    </div>
  );
}
