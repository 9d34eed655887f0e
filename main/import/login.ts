/**
 * The login settings of a WinSCP site or a PuTTY session -> the site's login methods and notes.
 *
 * Both programs keep the same switches under the same names (WinSCP took them over from PuTTY):
 * AuthKI (try keyboard-interactive, on by default), AuthGSSAPI (Kerberos), AuthTIS (TIS or
 * CryptoCard, an SSH-1 method), SshNoAuth / SshNoUserAuth (skip the login entirely), TryAgent
 * (Pageant; read by the importers themselves), DetachedCertificate (a certificate beside the
 * key), AuthPlugin (PuTTY 0.78+: a program that answers the login), and WinSCP's own
 * AuthKIPassword (answer the first keyboard-interactive question with the saved password, on by
 * default). Booleans are "0"/"1" in WinSCP.ini and numbers in the registry (read as "0"/"1").
 * Neither program can leave out the password or the key method, so those always stay.
 */
import type { LoginMethod } from '../../shared/types';

export type LoginTool = 'WinSCP' | 'PuTTY';

export interface ToolLoginValues {
  ki?: string | undefined;
  kiPassword?: string | undefined;
  gssapi?: string | undefined;
  tis?: string | undefined;
  noAuth?: string | undefined;
  certificate?: string | undefined;
  plugin?: string | undefined;
}

export interface MappedLogin {
  /** Absent: every method (the default of both programs). */
  authMethods?: LoginMethod[];
  notes: string[];
}

/** A path or command from the file, as long as a note can usefully show it. */
function shown(v: string | undefined): string {
  const t = (v ?? '').trim();
  return t.length > 260 ? `${t.slice(0, 260)}…` : t;
}

const on = (v: string | undefined) => v !== undefined && v.trim() !== '' && v.trim() !== '0';
const off = (v: string | undefined) => v !== undefined && v.trim() === '0';

/** What the site keeps of the program's login settings, and a note for each thing it cannot. */
export function mapToolLogin(tool: LoginTool, v: ToolLoginValues): MappedLogin {
  const notes: string[] = [];
  const notCarried: string[] = [];
  const out: MappedLogin = { notes };
  if (off(v.ki)) {
    out.authMethods = ['publickey', 'password'];
    notes.push(`${tool} was set not to try keyboard-interactive login, so the site leaves it out too (Advanced > login methods).`);
  } else if (tool === 'WinSCP' && off(v.kiPassword)) {
    notCarried.push('"Respond with a password to the first prompt" is off in WinSCP, which then asks you every keyboard-interactive question itself; SFTP Doctor answers a question that asks for the password with the password you give, and asks you any other question');
  }
  if (on(v.gssapi)) notCarried.push('GSSAPI (Kerberos) login, which SFTP Doctor does not do; if this site logged in that way, give a password or a key instead');
  if (on(v.tis)) notCarried.push('TIS or CryptoCard login, which belongs to SSH-1; SFTP Doctor uses SSH-2, where such cards answer through keyboard-interactive');
  if (on(v.noAuth)) notCarried.push(`"Bypass authentication entirely"; SFTP Doctor asks the server first whether it lets you in without a login, as ${tool} would, and logs in the usual way if not`);
  const cert = shown(v.certificate);
  if (cert !== '') notCarried.push(`the certificate ${cert}: SFTP Doctor logs in with the private key alone, so a server that only accepts the certificate will refuse the key`);
  const plugin = shown(v.plugin);
  if (plugin !== '') notCarried.push(`the authentication plugin "${plugin}", which SFTP Doctor does not run; give the password or key it would have supplied`);
  if (notCarried.length > 0) notes.push(`Not carried over: ${notCarried.join('; ')}.`);
  return out;
}
