/** The evidence of a diagnosis: labelled items (mono / highlighted) and, for an algorithm mismatch, both lists side by side. */
import type { AlgorithmCategory, AlgorithmMismatch, EvidenceItem } from '../../shared/types';
import { CopyButton } from './CopyButton';

const CATEGORY: Record<AlgorithmCategory, string> = {
  kex: 'key exchange methods',
  serverHostKey: 'server host key types',
  cipher: 'ciphers',
  mac: 'message authentication (MAC) methods',
  compression: 'compression methods',
};

export function MismatchView({ mismatch }: { mismatch: AlgorithmMismatch }) {
  const legacy = new Set(mismatch.legacyCandidates);
  const client = new Set(mismatch.client);
  return (
    <figure className="mismatch" data-testid="algorithm-mismatch">
      <figcaption>
        No {CATEGORY[mismatch.category]} in common. <span className="muted">Marked: old methods that can be allowed for this site.</span>
      </figcaption>
      <div className="mismatch-cols">
        <div>
          <h4 id="mm-server">The server offers</h4>
          <ul className="mono algo-list" aria-labelledby="mm-server">
            {mismatch.server.map((a) => (
              <li key={a} className={legacy.has(a) ? 'algo-legacy' : client.has(a) ? 'algo-common' : ''}>
                {a}
                {legacy.has(a) && <span className="visually-hidden"> (can be allowed for this site)</span>}
              </li>
            ))}
            {mismatch.server.length === 0 && <li className="muted">(nothing)</li>}
          </ul>
        </div>
        <div>
          <h4 id="mm-client">SFTP Doctor allows</h4>
          <ul className="mono algo-list" aria-labelledby="mm-client">
            {mismatch.client.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </div>
      </div>
    </figure>
  );
}

export function EvidenceList({ items }: { items: EvidenceItem[] }) {
  if (!items.length) return null;
  return (
    <dl className="evidence-list">
      {items.map((item, i) => (
        <div key={i} className={`evidence-item${item.highlight ? ' evidence-highlight' : ''}`}>
          <dt>
            {item.label}
            {item.highlight && <span className="visually-hidden"> (the part that is wrong)</span>}
          </dt>
          <dd className={item.mono ? 'mono' : undefined}>
            {item.value}
            {item.copy && (
              <div className="buttons evidence-copy">
                <CopyButton text={item.value} label={`Copy ${item.copy}`} what={item.copy} className="small" />
              </div>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
