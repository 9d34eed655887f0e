/** The 'ask-admin' action: a ready-to-send message for the server's administrator, to copy. */
import { useState } from 'react';
import type { AdminTopic } from '../../shared/actions';
import { adminMessage } from '../../shared/admin-message';
import type { RunResult } from '../../shared/types';
import { Dialog } from './Dialog';
import { copyText } from './clipboard';

export function AdminMessageDialog({ result, topic, onClose }: { result: RunResult; topic: AdminTopic; onClose(): void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = adminMessage(result, topic);
  return (
    <Dialog title="Message for the administrator" onCancel={onClose} initialFocus="#admin-copy" testId="admin-message-dialog">
      <p>Only the server&apos;s administrator can change this. Nothing is changed on your side; send them this message (it holds no password).</p>
      <pre className="command mono" aria-label="Message for the administrator" data-testid="admin-message">
        {text}
      </pre>
      <div className="buttons dialog-buttons">
        <span aria-live="polite" className="muted">
          {copied}
        </span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button id="admin-copy" type="button" className="primary" onClick={() => void copyText(text).then((ok) => setCopied(ok ? 'Copied.' : 'Copying is blocked here; select the message and copy it.'))}>
          Copy message
        </button>
      </div>
    </Dialog>
  );
}
