/** The 'ask-admin' action: a ready-to-send message for the server's administrator, to copy. */
import type { AdminTopic } from '../../shared/actions';
import { adminMessage } from '../../shared/admin-message';
import type { RunResult } from '../../shared/types';
import { Dialog } from './Dialog';
import { CopyButton } from './CopyButton';

export function AdminMessageDialog({ result, topic, onClose }: { result: RunResult; topic: AdminTopic; onClose(): void }) {
  const text = adminMessage(result, topic);
  return (
    <Dialog title="Message for the administrator" onCancel={onClose} initialFocus="#admin-copy" testId="admin-message-dialog">
      <p>Only the server&apos;s administrator can change this. Nothing is changed on your side; send them this message (it holds no password).</p>
      <pre className="command mono" aria-label="Message for the administrator" data-testid="admin-message">
        {text}
      </pre>
      <div className="buttons dialog-buttons">
        <CopyButton id="admin-copy" className="primary" text={text} label="Copy message" what="message" />
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
