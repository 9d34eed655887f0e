/** Questions from the server or the key: passphrase, keyboard-interactive prompts, a new password. */
import { useState, type KeyboardEvent } from 'react';
import type { PromptRequest } from '../../shared/types';
import { capsLockFrom } from '../logic/form';
import { newPasswordProblem } from '../logic/prompts';
import { run } from '../stores/runStore';
import { Dialog } from './Dialog';

type SecretPrompt = Extract<PromptRequest, { kind: 'secret' }>;

const FALLBACK_TITLE: Record<SecretPrompt['purpose'], string> = {
  passphrase: 'Passphrase for the private key',
  'keyboard-interactive': 'The server asks a question',
  'new-password': 'Choose a new password',
};

export function SecretDialog({ prompt }: { prompt: SecretPrompt }) {
  const fields = prompt.prompts.length ? prompt.prompts : [{ text: prompt.purpose === 'passphrase' ? 'Passphrase' : 'Answer', echo: false }];
  const [answers, setAnswers] = useState<string[]>(() => fields.map(() => ''));
  const [caps, setCaps] = useState<boolean | null>(null);
  const send = (values: string[] | null) => void run.store.getState().answer({ promptId: prompt.promptId, kind: 'secret', answers: values });
  const problem = newPasswordProblem(prompt.purpose, fields, answers);
  const trackCaps = (e: KeyboardEvent<HTMLInputElement>) => setCaps(capsLockFrom(e.nativeEvent));

  return (
    <Dialog title={prompt.title || FALLBACK_TITLE[prompt.purpose]} onCancel={() => send(null)} initialFocus="#secret-0" testId={`prompt-${prompt.purpose}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          e.stopPropagation();
          if (!problem) send(answers);
        }}
      >
        {prompt.instructions && <p className="secret-instructions">{prompt.instructions}</p>}
        {fields.map((f, i) => (
          <div className="field" key={i}>
            <label htmlFor={`secret-${i}`}>{f.text.replace(/:\s*$/, '') || `Answer ${i + 1}`}</label>
            <input
              id={`secret-${i}`}
              type={f.echo ? 'text' : 'password'}
              value={answers[i] ?? ''}
              autoComplete={prompt.purpose === 'new-password' ? 'new-password' : 'off'}
              spellCheck={false}
              onKeyDown={trackCaps}
              onKeyUp={trackCaps}
              onChange={(e) => setAnswers((prev) => prev.map((a, j) => (j === i ? e.target.value : a)))}
            />
          </div>
        ))}
        <div aria-live="polite">
          {caps && <p className="note note-warn">Caps Lock is on.</p>}
          {problem && <p className="note note-fail">{problem}</p>}
        </div>
        <p className="note muted">{prompt.purpose === 'passphrase' ? 'The passphrase unlocks your key on this computer; it is never sent to the server or saved.' : 'Your answer goes to the server only; it is not saved or logged.'}</p>
        <div className="buttons dialog-buttons">
          <span className="spacer" />
          <button type="button" onClick={() => send(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={problem !== null}>
            OK
          </button>
        </div>
      </form>
    </Dialog>
  );
}
