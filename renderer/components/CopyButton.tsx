/** A Copy button that says "Copied" beside itself (and to screen readers) once the text is on the clipboard. */
import { useState } from 'react';
import { copyText } from './clipboard';

export function CopyButton({ text, label, what, className, id }: { text: string; label: string; what: string; className?: string; id?: string }) {
  const [said, setSaid] = useState<string | null>(null);
  return (
    <span className="copy-button">
      <button type="button" id={id} className={className} onClick={() => void copyText(text).then((ok) => setSaid(ok ? 'Copied' : `Copying is blocked here; select the ${what} and copy it.`))}>
        {label}
      </button>
      <span role="status" className={said === 'Copied' ? 'copied' : 'muted'}>
        {said === 'Copied' ? '✓ Copied' : said}
      </span>
    </span>
  );
}
