/**
 * A modal dialog on the native <dialog> element: the rest of the window becomes inert (focus
 * stays inside), Escape cancels, and focus returns to where it was when the dialog closes.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface DialogProps {
  title: ReactNode;
  onCancel(): void;
  children: ReactNode;
  className?: string;
  /** Tone of the title bar: a changed host key is 'danger'. */
  tone?: 'normal' | 'danger' | 'warn';
  /** CSS selector of the element to focus first (default: the first field or button). */
  initialFocus?: string;
  describedBy?: string;
  testId?: string;
}

export function Dialog({ title, onCancel, children, className, tone = 'normal', initialFocus, describedBy, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancelRef = useRef(onCancel);
  useEffect(() => {
    cancelRef.current = onCancel;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const target = (initialFocus && dialog.querySelector<HTMLElement>(initialFocus)) || dialog.querySelector<HTMLElement>('[data-autofocus]');
    target?.focus();
    const onNativeCancel = (ev: Event) => {
      ev.preventDefault();
      cancelRef.current();
    };
    dialog.addEventListener('cancel', onNativeCancel);
    return () => {
      dialog.removeEventListener('cancel', onNativeCancel);
      if (dialog.open) dialog.close();
      if (previous && previous.isConnected) previous.focus();
    };
    // Opened once per mount; initialFocus is read at that moment only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <dialog ref={ref} className={`dialog dialog-${tone} ${className ?? ''}`} aria-labelledby={titleId} aria-describedby={describedBy} data-testid={testId}>
      <div className="dialog-head">
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <button type="button" className="dialog-close" aria-label="Close" onClick={() => cancelRef.current()}>
          ×
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
