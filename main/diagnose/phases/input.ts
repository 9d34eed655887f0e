import type { ConnectionRequest, Facts } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome } from '../context';
import { checkKey, keyGiven } from '../keycheck';
import { parseHostField, parsePort } from '../../../shared/host-input';

export { parseHostField, parsePort, type HostFieldParse } from '../../../shared/host-input';

/** Ports that normally belong to another protocol than SFTP. */
export const OTHER_PROTOCOL_PORTS: Record<number, string> = { 21: 'FTP', 990: 'FTPS', 80: 'HTTP', 443: 'HTTPS' };

export type InputFacts = NonNullable<Facts['input']>;

/** Checks the form before the network is touched. Pure: exported for the form's own live checks. */
export function checkInput(request: ConnectionRequest): InputFacts {
  const parsed = parseHostField(request.host ?? '');
  const warnings: string[] = [];
  const whitespace: NonNullable<InputFacts['whitespace']> = [];
  const user = request.user ?? '';
  if (parsed.outerWhitespace) whitespace.push('host');
  if (user !== user.trim()) {
    whitespace.push('user');
    warnings.push('The user name has spaces before or after it.');
  }
  if (request.password !== undefined && request.password !== request.password.trim()) {
    whitespace.push('password');
    warnings.push('The password starts or ends with a space (it will be sent as typed).');
  }
  if (request.passphrase !== undefined && request.passphrase !== request.passphrase.trim()) whitespace.push('passphrase');

  const portGiven = request.port !== undefined && request.port !== null && String(request.port).trim() !== '';
  const portFromField = portGiven ? parsePort(request.port!) : 22;
  const facts: InputFacts = {
    host: parsed.host,
    port: portFromField ?? 0,
    user: user.trim(),
    warnings,
    ...(whitespace.length ? { whitespace } : {}),
  };

  if (parsed.host === '' && !parsed.user && !parsed.port) {
    return { ...facts, problem: 'host-empty' };
  }
  const hostFieldHasMore = parsed.scheme !== undefined || parsed.user !== undefined || parsed.port !== undefined || parsed.badPort !== undefined || parsed.path !== undefined || parsed.outerWhitespace;
  if (hostFieldHasMore || parsed.innerWhitespace) {
    const split: NonNullable<InputFacts['split']> = { host: parsed.host.replace(/\s+/g, '') };
    if (parsed.scheme) split.scheme = parsed.scheme;
    if (parsed.user !== undefined) split.user = parsed.user;
    if (parsed.port !== undefined) split.port = parsed.port;
    if (parsed.path !== undefined) split.path = parsed.path;
    return { ...facts, host: split.host, problem: 'host-field', split, ...(parsed.badPort !== undefined ? { portText: parsed.badPort } : {}) };
  }
  if (portFromField === null) {
    return { ...facts, problem: 'port-invalid', portText: String(request.port) };
  }
  if (OTHER_PROTOCOL_PORTS[portFromField] && request.protocol !== undefined) {
    facts.otherProtocolPort = portFromField;
    warnings.push(`Port ${portFromField} is normally used by ${OTHER_PROTOCOL_PORTS[portFromField]}, not SFTP (which normally uses 22).`);
  }
  if (/^www\./i.test(parsed.host)) {
    warnings.push('The host name starts with "www.": that is usually the web site, and the SFTP server may have another name.');
  }
  return facts;
}

export const inputPhase: PhaseModule = {
  phase: 'input',
  async run(ctx): Promise<PhaseOutcome> {
    const input = checkInput(ctx.request);
    if (input.problem === 'host-empty') return { status: 'fail', detail: 'The host field is empty', facts: { input }, stop: true };
    if (input.problem === 'host-field') return { status: 'fail', detail: 'The host field holds more than a host name', facts: { input }, stop: true };
    if (input.problem === 'port-invalid') return { status: 'fail', detail: `"${input.portText ?? ''}" is not a port number`, facts: { input }, stop: true };
    const detail = `${input.user ? `${input.user}@` : ''}${input.host}:${input.port}`;
    // The key is checked here, before the network: a missing passphrase or a .pub file is known at once.
    if (keyGiven(ctx.request.privateKey)) {
      ctx.progress('Reading the private key…');
      // Reading and unlocking the key is work on this computer: the connection timeout is for the network.
      const resume = ctx.pauseBudget();
      let checked: Awaited<ReturnType<typeof checkKey>>;
      try {
        checked = await checkKey(ctx);
      } finally {
        resume();
      }
      const { facts: key, key: ready } = checked;
      if (key.error) return { status: 'fail', detail: `The private key cannot be used: ${key.error.message}`, facts: { input, key }, stop: true };
      ctx.link.key = ready;
      const keyNote = `key ${key.type} ${key.fingerprint}${key.convertedFrom ? ` (${key.convertedFrom}, converted in memory)` : ''}`;
      return { status: input.warnings.length ? 'warn' : 'ok', detail: `${detail}, ${keyNote}${input.warnings.length ? ` — ${input.warnings[0]}` : ''}`, facts: { input, key } };
    }
    return { status: input.warnings.length ? 'warn' : 'ok', detail: input.warnings.length ? `${detail} — ${input.warnings[0]}` : detail, facts: { input } };
  },
};
