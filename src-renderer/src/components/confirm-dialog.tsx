import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal question before something that cannot be undone. The browser's own `<dialog>` opened
 * with showModal(): focus moves into it and stays there, Escape cancels, the page behind is
 * inert to screen readers and clicks. The safe choice (Cancel) has the first focus.
 */
export function ConfirmDialog(props: {
  /** Someone's name inside it goes in a `<bdi>`, so its direction stays its own. */
  title: ReactNode;
  children: ReactNode;
  confirmLabel: ReactNode;
  pendingLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const { onCancel } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    // Escape fires "cancel"; the parent decides (it unmounts the dialog).
    const cancel = (e: Event) => {
      e.preventDefault();
      onCancel();
    };
    d.addEventListener('cancel', cancel);
    return () => {
      d.removeEventListener('cancel', cancel);
      if (d.open) d.close();
    };
  }, [onCancel]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} aria-describedby={bodyId} data-testid="confirm-dialog">
      <h2 id={titleId} className="dialog-title user-text">
        {props.title}
      </h2>
      <div id={bodyId} className="dialog-body stack">
        {props.children}
      </div>
      <div className="dialog-actions row">
        <button type="button" className="btn" onClick={props.onCancel} disabled={props.pending} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn danger solid" onClick={props.onConfirm} disabled={props.pending}>
          {props.pending ? props.pendingLabel : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
