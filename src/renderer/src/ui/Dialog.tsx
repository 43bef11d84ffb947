/** The one modal: a native <dialog> with a title, body and footer. */
import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal on the native <dialog>: the browser gives focus trapping, Escape to
 * close and an inert background for free.
 */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      d.showModal();
      // The browser focuses the first control (the ×): content that asks for the focus (a loading line) takes it, so a
      // key pressed right after opening cannot close the dialog.
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={props.onClose} data-testid={props.testId}>
      {props.open && (
        <>
          <header className="dialog-header">
            <h2 id="dialog-title">{props.title}</h2>
            <button className="btn btn-ghost btn-icon" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{props.children}</div>
          {props.footer && <footer className="dialog-footer">{props.footer}</footer>}
        </>
      )}
    </dialog>
  );
}

/** One footer button: what it says and does. */
export interface DialogAction {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  autoFocus?: boolean;
}

/** The dialogs' footer: an optional plain button (Cancel, mostly), then the primary one. */
export function DialogActions(props: { secondary?: DialogAction; primary: DialogAction }) {
  const { secondary, primary } = props;
  return (
    <>
      {secondary && (
        <button className="btn" disabled={secondary.disabled} autoFocus={secondary.autoFocus} onClick={secondary.onClick}>
          {secondary.label}
        </button>
      )}
      <button className="btn btn-primary" disabled={primary.disabled} autoFocus={primary.autoFocus} onClick={primary.onClick}>
        {primary.label}
      </button>
    </>
  );
}
