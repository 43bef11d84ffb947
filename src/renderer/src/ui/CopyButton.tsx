/** Copy buttons for a command or a ref, saying so when the clipboard refuses. */
import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies a command or a ref. The clipboard can be refused (no focus, a
 * browser policy): then it says so, and the text next to it stays selectable.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <button type="button" className="btn btn-sm copy-btn" aria-label={`Copy ${label}`} title={`Copy ${label}`} onClick={() => void copy()}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy it' : 'Copy'}</span>
    </button>
  );
}

/** One line of text to copy: shown in full (wrapping), selectable, with its Copy button. */
export function CopyLine({ text, label }: { text: string; label: string }) {
  return (
    <div className="copy-line">
      <code className="copy-text" aria-label={label}>
        {text}
      </code>
      <CopyButton text={text} label={label} />
    </div>
  );
}
