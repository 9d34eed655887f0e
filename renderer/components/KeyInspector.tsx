/** Tools > key inspector: what a key file is, its problems, and conversions to other formats. */
import { useEffect, useRef, useState } from 'react';
import type { KeyConvertResult } from '../../shared/api';
import type { KeyInspection, KeyTargetFormat } from '../../shared/keys';
import { privateKeyHint } from '../logic/keyFile';
import { encryptionText, FORMAT_NAMES, TARGETS, typeText } from '../logic/keyText';
import { form } from '../stores/formStore';
import { type ConvertProtection, keys as keyStore, useKeys } from '../stores/keyStore';
import { CopyButton } from './CopyButton';
import { Dialog } from './Dialog';
import { downloadText } from './download';
import { Fingerprint } from './HostKeyDialog';

function KeyPicker() {
  const [text, setText] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  const k = keyStore.getState();
  return (
    <div className="key-picker">
      <div
        className="drop-zone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          const file = e.dataTransfer.files[0];
          if (!file) return;
          e.preventDefault();
          e.stopPropagation();
          void k.openWithFile(file);
        }}
      >
        <p>Drop a key file here (private or public, any format), or</p>
        <button type="button" className="primary" id="ki-choose" onClick={() => fileRef.current?.click()}>
          Choose a key file…
        </button>
        <input
          ref={fileRef}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Key file to inspect"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void k.openWithFile(file);
            e.target.value = '';
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="ki-paste">Or paste the key text</label>
        <textarea id="ki-paste" rows={5} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} placeholder="-----BEGIN OPENSSH PRIVATE KEY----- …" />
      </div>
      <div className="buttons">
        <button type="button" disabled={!text.trim()} onClick={() => k.openWithText(text)}>
          Inspect pasted key
        </button>
      </div>
    </div>
  );
}

function Facts({ ins, name }: { ins: KeyInspection; name: string }) {
  const hint = ins.kind === 'public' ? privateKeyHint(name) : null;
  return (
    <>
      {ins.kind === 'public' && (
        <p className="note banner-info notice">
          This is a <strong>public</strong> key: it goes on the server (in ~/.ssh/authorized_keys). To log in, the form needs the matching <strong>private</strong> key,
          {hint ? (
            <>
              {' '}
              which is probably the file <span className="mono">{hint}</span> in the same folder.
            </>
          ) : (
            ' which is a separate file, usually with the same name without “.pub”.'
          )}
        </p>
      )}
      <dl className="hk-facts key-facts" data-testid="key-facts">
        <div>
          <dt>Format</dt>
          <dd data-testid="key-format" data-format={ins.format}>
            {FORMAT_NAMES[ins.format]}
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{ins.kind === 'invalid' ? 'not a usable key' : ins.kind}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd className="mono">{typeText(ins)}</dd>
        </div>
        {ins.comment && (
          <div>
            <dt>Comment</dt>
            <dd className="mono">{ins.comment}</dd>
          </div>
        )}
        <div>
          <dt>Encryption</dt>
          <dd>{encryptionText(ins.encrypted, ins.encryption)}</dd>
        </div>
        {ins.fingerprint_sha256 && (
          <div>
            <dt>SHA256 fingerprint</dt>
            <dd>
              <Fingerprint value={ins.fingerprint_sha256} label="SHA256 fingerprint" />
            </dd>
          </div>
        )}
        {ins.fingerprint_md5 && (
          <div>
            <dt>MD5 fingerprint</dt>
            <dd>
              <Fingerprint value={ins.fingerprint_md5} label="MD5 fingerprint" />
            </dd>
          </div>
        )}
      </dl>
      {ins.repairs.length > 0 && (
        <p className="note muted">
          Fixed while reading: {ins.repairs.join(' ')}
        </p>
      )}
    </>
  );
}

function PublicLine({ line }: { line: string }) {
  return (
    <div className="field">
      <label htmlFor="ki-pubkey">Public key line (for ~/.ssh/authorized_keys on the server)</label>
      <textarea id="ki-pubkey" readOnly rows={3} value={line} onFocus={(e) => e.target.select()} />
      <div className="buttons">
        <CopyButton text={line} label="Copy public key line" what="public key line" />
      </div>
    </div>
  );
}

type Choice = ConvertProtection['kind'];

/** How the converted private key is protected, in words (from the key library's answer). */
function protectionText(p: KeyConvertResult['protection'], source: string): string | null {
  if (p === 'same-passphrase') return `Protected by the same passphrase as ${source}.`;
  if (p === 'new-passphrase') return 'Protected by the new passphrase you typed.';
  if (p === 'none') return 'Not protected by a passphrase.';
  return null;
}

function Protection({ encrypted, choice, onChoice, pass, onPass, again, onAgain }: { encrypted: boolean; choice: Choice; onChoice(c: Choice): void; pass: string; onPass(p: string): void; again: string; onAgain(p: string): void }) {
  const options: { value: Choice; label: string }[] = encrypted
    ? [
        { value: 'keep', label: 'Keep the same passphrase' },
        { value: 'new', label: 'A new passphrase' },
        { value: 'none', label: 'No passphrase' },
      ]
    : [
        { value: 'keep', label: 'No passphrase, as now' },
        { value: 'new', label: 'A passphrase' },
      ];
  return (
    <fieldset className="protection" aria-describedby="ki-protection-help">
      <legend>Passphrase of the converted private key</legend>
      <div className="protection-choices">
        {options.map((o) => (
          <div className="check" key={o.value}>
            <input type="radio" id={`ki-prot-${o.value}`} name="ki-protection" value={o.value} checked={choice === o.value} onChange={() => onChoice(o.value)} />
            <label htmlFor={`ki-prot-${o.value}`}>{o.label}</label>
          </div>
        ))}
      </div>
      <p id="ki-protection-help" className="note muted">
        {choice === 'keep' && encrypted && 'The converted key opens with the passphrase you checked above, as PuTTYgen does.'}
        {choice === 'keep' && !encrypted && 'The key has no passphrase now, and the converted key will not have one either.'}
        {choice === 'new' && 'Type the passphrase the converted key will open with.'}
        {choice === 'none' && 'Anyone who gets a copy of the converted file can log in with it.'}
      </p>
      {choice === 'new' && (
        <div className="row">
          <div className="field grow">
            <label htmlFor="ki-newpass">New passphrase</label>
            <input id="ki-newpass" type="password" value={pass} autoComplete="new-password" onChange={(e) => onPass(e.target.value)} />
          </div>
          <div className="field grow">
            <label htmlFor="ki-newpass2">Type it again</label>
            <input id="ki-newpass2" type="password" value={again} autoComplete="new-password" onChange={(e) => onAgain(e.target.value)} aria-describedby="ki-newpass-check" />
          </div>
        </div>
      )}
      <div aria-live="polite" id="ki-newpass-check">
        {choice === 'new' && again !== '' && again !== pass && <p className="note note-warn">The two passphrases differ.</p>}
      </div>
    </fieldset>
  );
}

function ConvertedResult({ converted, source }: { converted: KeyConvertResult & { to: KeyTargetFormat }; source: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const saveRef = useRef<HTMLButtonElement>(null);
  const target = TARGETS.find((t) => t.to === converted.to);
  const isPrivate = target?.private ?? false;
  const protection = protectionText(converted.protection, source);
  // The answer comes to the user: the result in view, the Save button focused.
  useEffect(() => {
    boxRef.current?.scrollIntoView({ block: 'nearest' });
    saveRef.current?.focus({ preventScroll: true });
  }, [converted]);
  return (
    <div className="converted" data-testid="converted" ref={boxRef} data-protection={converted.protection ?? 'public'}>
      <div className="field">
        <label htmlFor="ki-converted">
          Converted to {target?.label ?? converted.to}: <span className="mono">{converted.fileName}</span>
        </label>
        <textarea id="ki-converted" readOnly rows={5} value={converted.text} aria-describedby={protection ? 'ki-converted-protection' : undefined} />
      </div>
      {protection && (
        <p id="ki-converted-protection" className={`note ${converted.protection === 'none' ? 'note-warn' : 'note-ok'}`}>
          {protection}
        </p>
      )}
      <div className="buttons">
        <button type="button" className="primary" ref={saveRef} onClick={() => downloadText(converted.fileName, converted.text)}>
          Save as {converted.fileName}
        </button>
        <CopyButton text={converted.text} label={isPrivate ? 'Copy key text' : 'Copy public key'} what="text" />
      </div>
      {isPrivate && (
        <p className="note note-warn">
          This is a private key: keep it to yourself. A browser download cannot set file permissions, so after saving run <code>chmod 600 {converted.fileName}</code> (Linux, macOS); OpenSSH
          refuses keys that others can read.
        </p>
      )}
    </div>
  );
}

function Converter({ ins, source }: { ins: KeyInspection; source: string }) {
  const converting = useKeys((s) => s.converting);
  const converted = useKeys((s) => s.converted);
  const convertError = useKeys((s) => s.convertError);
  const [choice, setChoice] = useState<Choice>('keep');
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [lastTo, setLastTo] = useState<KeyTargetFormat | null>(null);
  const isPrivate = ins.kind === 'private';
  const locked = isPrivate && ins.encrypted && !ins.passphraseChecked;
  const newNotReady = choice === 'new' && (pass === '' || pass !== again);
  const k = keyStore.getState();
  const protection = (): ConvertProtection => (choice === 'new' ? { kind: 'new', passphrase: pass } : choice === 'none' ? { kind: 'none' } : { kind: 'keep' });

  return (
    <section aria-labelledby="ki-convert-title" className="converter">
      <h3 id="ki-convert-title" className="dialog-subtitle">
        Convert
      </h3>
      {isPrivate && <Protection encrypted={ins.encrypted} choice={choice} onChoice={setChoice} pass={pass} onPass={setPass} again={again} onAgain={setAgain} />}
      {locked && <p className="note note-warn">Type the key’s passphrase above and check it first; private formats need the unlocked key.</p>}
      <ul className="convert-list">
        {TARGETS.map((t) => {
          const disabled = converting !== null || (t.private && (!isPrivate || locked || newNotReady)) || ins.kind === 'invalid';
          return (
            <li key={t.to}>
              <button
                type="button"
                disabled={disabled}
                aria-describedby={`ki-hint-${t.to}`}
                onClick={() => {
                  setLastTo(t.to);
                  void k.convert(t.to, t.private ? protection() : undefined);
                }}
                data-target={t.to}
              >
                {converting === t.to ? 'Converting…' : `To ${t.label}`}
              </button>
              <span id={`ki-hint-${t.to}`} className="note muted">
                {t.private && !isPrivate ? 'Needs the private key. ' : ''}
                {t.private && isPrivate && newNotReady ? 'Type the new passphrase twice first. ' : ''}
                {t.hint}
              </span>
              {lastTo === t.to && convertError && (
                <p className="note note-fail convert-result" role="alert">
                  {convertError}
                </p>
              )}
              {converted?.to === t.to && (
                <div className="convert-result">
                  <ConvertedResult converted={converted} source={source} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function KeyInspector() {
  const open = useKeys((s) => s.open);
  const key = useKeys((s) => s.key);
  const ins = useKeys((s) => s.inspection);
  const inspecting = useKeys((s) => s.inspecting);
  const error = useKeys((s) => s.error);
  const passphrase = useKeys((s) => s.passphrase);
  const k = keyStore.getState();
  if (!open) return null;
  const name = key?.source === 'content' ? key.name : key?.source === 'path' ? key.path : '';

  return (
    <Dialog title="Key inspector" onCancel={() => k.close()} className="key-dialog" initialFocus={key ? '#ki-passphrase, #ki-another' : '#ki-choose'} testId="key-inspector">
      {!key && !error && <KeyPicker />}
      {key && (
        <div className="buttons ki-head">
          <span className="mono ki-name">{name}</span>
          <span className="spacer" />
          <button type="button" id="ki-another" className="small" onClick={() => k.clear()}>
            Inspect another key
          </button>
        </div>
      )}
      <div aria-live="polite">
        {inspecting && <p className="muted">Reading the key…</p>}
        {error && (
          <>
            <p className="note note-fail" role="alert">
              {error}
            </p>
            {!key && <KeyPicker />}
          </>
        )}
      </div>
      {ins && key && (
        <>
          <Facts ins={ins} name={name} />
          {ins.encrypted && ins.kind === 'private' && (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                e.stopPropagation();
                void k.inspect();
              }}
            >
              <div className="field grow">
                <label htmlFor="ki-passphrase">Passphrase {ins.passphraseChecked ? '(checked ✓)' : ''}</label>
                <input id="ki-passphrase" type="password" value={passphrase} autoComplete="off" autoFocus={!ins.passphraseChecked} onChange={(e) => k.setPassphrase(e.target.value)} />
              </div>
              <div className="field">
                <button type="submit" disabled={!passphrase || inspecting}>
                  Check passphrase
                </button>
              </div>
            </form>
          )}
          {ins.encrypted && ins.kind === 'private' && ins.passphraseChecked && (
            <p className="note note-ok" data-testid="key-unlocked">
              Unlocked. Connecting with this key file from this window will not ask for its passphrase again: SFTP Doctor keeps it in memory only, until the window closes.
            </p>
          )}
          {ins.problems.length > 0 && (
            <section aria-labelledby="ki-problems-title">
              <h3 id="ki-problems-title" className="dialog-subtitle">
                {ins.problems.length === 1 ? 'Problem' : 'Problems'}
              </h3>
              <ul className="problems">
                {ins.problems.map((p, i) => (
                  <li key={i} data-code={p.code}>
                    <strong>{p.message}</strong> {p.fix}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {ins.publicKeyLine && <PublicLine line={ins.publicKeyLine} />}
          {ins.kind === 'private' && key.source === 'content' && key.text !== undefined && (
            <p className="note">
              <button
                type="button"
                className="link"
                onClick={() => {
                  form.getState().setKey(key);
                  k.close();
                }}
              >
                Use this key in the session form
              </button>
            </p>
          )}
          <Converter ins={ins} source={name.split(/[\\/]/).pop() || 'the original'} />
        </>
      )}
      <div className="buttons dialog-buttons">
        <span className="spacer" />
        <button type="button" onClick={() => k.close()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
