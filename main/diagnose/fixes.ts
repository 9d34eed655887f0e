import type { Fix, FixKind, FixParam, RiskLevel } from '../../shared/types';
import { FIX_TEXTS, fillTemplate } from './texts';

/**
 * Every fix the engine can offer, as data. main/repair carries them out by id; the params are the
 * contract between the two. Texts live in texts.ts (FIX_TEXTS), keyed by the same ids.
 *
 * | id                        | params                                              | risk      | kind   | what applying it does |
 * |---------------------------|-----------------------------------------------------|-----------|--------|-----------------------|
 * | split-host-field          | host, user?, port?, path?, scheme?                  | safe      | form   | puts each part of a pasted address in its own field |
 * | trim-whitespace           | fields: string[] (host/user/password/passphrase)    | safe      | form   | removes spaces before/after those fields |
 * | use-port                  | port                                                | safe      | form   | sets the port field |
 * | use-dns-suggestion        | host                                                | safe      | form   | sets the host field to a name that does resolve |
 * | increase-timeout          | timeoutMs                                           | safe      | form   | gives the run more time |
 * | switch-protocol           | protocol ('ftp'), port?                             | confirm   | form   | the server speaks another protocol: use a client for it |
 * | allow-legacy-algorithms   | algorithms: string[], category                      | confirm   | form   | adds those names to the site's legacyAlgorithms |
 * | trust-host-key            | host, port, type, sha256, md5, publicKey, file      | confirm   | local  | adds the key to the known_hosts file (known-hosts.ts addHostKey) |
 * | connect-once              | sha256                                              | confirm   | form   | sets acceptHostKey for one run, writes nothing |
 * | replace-host-key          | host, port, type, sha256, oldSha256, publicKey, file, line | dangerous | local | replaceHostKey in the known_hosts file (backup kept) |
 * Part 2 (auth, keys, sftp):
 * | enter-password            | -                                                   | safe      | form   | asks for the password |
 * | choose-private-key        | path? (the private key beside a .pub given)         | safe      | form   | picks a private key file |
 * | enter-passphrase          | -                                                   | safe      | form   | asks for the key's passphrase |
 * | convert-key               | from (KeyFormat), to ('openssh'), path              | confirm   | local  | converts the key to a format ssh2 reads (keeps the original) |
 * | generate-ed25519-key      | -                                                   | confirm   | local  | makes a new Ed25519 key pair |
 * | identities-only           | -                                                   | safe      | form   | tries only the selected key (no agent keys) |
 * | change-expired-password   | via ('pam' keyboard-interactive, 'change-request' SSH, 'session') | confirm | server | sets a new password through the server's password change |
 * | fix-authorized-keys-permissions | path ('~/.ssh'), mode ('700'): the findings are in facts.sftp.keyCheck | confirm | server | corrects modes of ~, ~/.ssh, authorized_keys over SFTP |
 * | install-public-key        | publicKey ("<type> <base64>"), fingerprint          | confirm   | server | adds the public key to ~/.ssh/authorized_keys over SFTP |
 * | use-scp                   | -                                                   | confirm   | form   | uses SCP instead of SFTP for this site |
 * | silence-login-script      | file ('~/.bashrc'...), guard (the line), shell ('bash'...) | confirm | server | guards the start-up file so it prints nothing in non-interactive sessions |
 * | ask-admin                 | topic (hostkey, algorithms, ssh2, authorized-keys, max-auth-tries, root-login, auth-methods, login-script, session, sftp, scp, folder-access) | safe | admin | a message to send to the server's administrator |
 * | fix-pasted-password       | idea ('pasted-characters', 'caps-lock'), what      | safe      | form   | corrects the password in the form (shared/password-variants) |
 * | use-user                  | user                                                | confirm   | form   | sets the user name the server asked for |
 * | use-sftp                  | -                                                   | safe      | form   | switches an SCP site to SFTP |
 * | keepalive                 | seconds                                             | safe      | form   | sends a keepalive every N seconds for this site (main/repair) |
 * | use-remote-folder         | path (a folder where a test file could be created)   | safe      | form   | sets the site's remote (start) folder |
 */
export const FIX_CATALOG = {
  'split-host-field': { risk: 'safe', kind: 'form' },
  'trim-whitespace': { risk: 'safe', kind: 'form' },
  'use-port': { risk: 'safe', kind: 'form' },
  'use-dns-suggestion': { risk: 'safe', kind: 'form' },
  'increase-timeout': { risk: 'safe', kind: 'form' },
  'switch-protocol': { risk: 'confirm', kind: 'form' },
  'allow-legacy-algorithms': { risk: 'confirm', kind: 'form' },
  'trust-host-key': { risk: 'confirm', kind: 'local' },
  'connect-once': { risk: 'confirm', kind: 'form' },
  'replace-host-key': { risk: 'dangerous', kind: 'local' },
  'enter-password': { risk: 'safe', kind: 'form' },
  'choose-private-key': { risk: 'safe', kind: 'form' },
  'enter-passphrase': { risk: 'safe', kind: 'form' },
  'convert-key': { risk: 'confirm', kind: 'local' },
  'generate-ed25519-key': { risk: 'confirm', kind: 'local' },
  'identities-only': { risk: 'safe', kind: 'form' },
  'change-expired-password': { risk: 'confirm', kind: 'server' },
  'fix-authorized-keys-permissions': { risk: 'confirm', kind: 'server' },
  'install-public-key': { risk: 'confirm', kind: 'server' },
  'use-scp': { risk: 'confirm', kind: 'form' },
  'silence-login-script': { risk: 'confirm', kind: 'server' },
  'ask-admin': { risk: 'safe', kind: 'admin' },
  keepalive: { risk: 'safe', kind: 'form' },
  'fix-pasted-password': { risk: 'safe', kind: 'form' },
  'use-user': { risk: 'confirm', kind: 'form' },
  'use-sftp': { risk: 'safe', kind: 'form' },
  'use-remote-folder': { risk: 'safe', kind: 'form' },
} as const satisfies Record<string, { risk: RiskLevel; kind: FixKind }>;

export type FixId = keyof typeof FIX_CATALOG;
export const FIX_IDS = Object.keys(FIX_CATALOG) as FixId[];

/** Builds a Fix from its id and params, with its texts filled in. */
export function makeFix(id: FixId, params: Record<string, FixParam> = {}): Fix {
  const meta = FIX_CATALOG[id];
  const text = FIX_TEXTS[id];
  return {
    id,
    label: fillTemplate(text.label, params),
    description: fillTemplate(text.description, params),
    risk: meta.risk,
    kind: meta.kind,
    ...(Object.keys(params).length ? { params } : {}),
  };
}
