import { randomUUID } from 'node:crypto';
import type { AnyAuthMethod, KeyboardInteractiveCallback, Prompt } from 'ssh2';
import { LOGIN_METHODS, RSA_SIGNATURES, type AuthAttempt, type Facts, type LoginMethod, type PromptRequest, type RsaSignature } from '../../../shared/types';
import { passwordIdeas, passwordVariant, type PasswordIdea } from '../../../shared/password-variants';
import { Secret } from '../../common/secret';
import { agentSocket, listAgentKeys, type AgentKey } from '../agent';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';
import type { AuthTurn } from '../transport';

type AuthFacts = NonNullable<Facts['auth']>;

/** Methods this engine can do. Anything else the server offers (gssapi, hostbased) it cannot. */
export const USABLE_METHODS = ['publickey', 'keyboard-interactive', 'password'] as const;

/** Words servers use for "password" in a keyboard-interactive prompt (PAM in a few languages). */
const PASSWORD_PROMPT = /pass(word|wort|e)?|mot de passe|contrase|senha|parola|wachtwoord|has\u0142o/i; // \u0142: l with stroke (Polish), so the bundle stays ASCII
const NEW_PASSWORD_PROMPT = /(new|neues|nouveau|nuevo|retype|again|repeat|confirm|wiederholen)/i;
const CURRENT_PASSWORD_PROMPT = /(current|old|actuel|aktuelles|alte)/i;
/**
 * Questions for a second factor: a one-time code, a token, a PIN. Some name the password too
 * ("Password & verification code:", "Passcode:", "One-time password"): the password alone is
 * never the answer to them.
 */
export const SECOND_FACTOR_PROMPT = /verification|one[- ]?time|\botp\b|\btotp\b|passcode|token|\bcode\b|\bpin\b|2fa|two[- ]factor|second factor|authenticator|yubi|\bduo\b/i;
/** A question the password alone answers. */
const asksPassword = (t: string) => PASSWORD_PROMPT.test(t) && !SECOND_FACTOR_PROMPT.test(t);
/** How servers (PAM, OpenSSH, Dropbear) say that the password has expired. */
export const EXPIRED_TEXT = /expired|required to change your password|must change your password|password change required|change your password (now|immediately)/i;
const MAX_NOTE = 300;

interface KbdRequest {
  name: string;
  instructions: string;
  prompts: Prompt[];
  finish: (answers: string[]) => void;
}

interface Attempt {
  record: AuthAttempt;
  /** USERAUTH_FAILURE count when it was sent: unchanged at the next turn means ssh2 skipped it. */
  failuresBefore: number;
}

/**
 * Login attempts a server counts before it hangs up: OpenSSH's MaxAuthTries is 6 by default (it
 * disconnects at the 6th failure). A second look is only taken when every attempt planned after it
 * still leaves one to spare below that.
 */
const SERVER_TRIES = 6;

/**
 * The signature algorithm to try the refused RSA key with once more: what OpenSSH, PuTTY and
 * WinSCP use first (rsa-sha2-512), then the others, among those the server lists (any when it
 * sent no list). Null when nothing else is left.
 */
export function otherRsaSignature(used: RsaSignature, serverList: readonly string[] | null): RsaSignature | null {
  return RSA_SIGNATURES.find((a) => a !== used && (!serverList || serverList.includes(a))) ?? null;
}

const isRsaSignature = (a: string | null): a is RsaSignature => a !== null && (RSA_SIGNATURES as readonly string[]).includes(a);

function clip(text: string, max = MAX_NOTE): string {
  const t = text.replace(/[^\x20-\x7e\n\u00a0-\uffff]/g, '?').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Asks the person (UI, CLI) through the prompt callback, with the budget paused. Null: nobody there or cancelled. */
async function ask(ctx: RunContext, req: Omit<Extract<PromptRequest, { kind: 'secret' }>, 'kind' | 'runId' | 'promptId'>): Promise<string[] | null> {
  if (!ctx.options.prompt) return null;
  ctx.progress(`${req.title}: waiting for you`);
  const resume = ctx.pauseBudget();
  try {
    const answer = await ctx.options.prompt({ kind: 'secret', runId: ctx.runId, promptId: randomUUID(), ...req });
    if (answer.kind !== 'secret' || !answer.answers) return null;
    return answer.answers;
  } catch {
    return null;
  } finally {
    resume();
  }
}

/** Asks for a new password twice; null when nobody answered or the two differ (said in the log). */
async function askNewPassword(ctx: RunContext, serverText: string): Promise<Secret | null> {
  const answers = await ask(ctx, {
    purpose: 'new-password',
    title: 'Your password has expired',
    instructions: `${clip(serverText, 200) || 'The server asks for a new password.'} Choose a new password; it is sent to the server to replace the old one.`,
    prompts: [
      { text: 'New password', echo: false },
      { text: 'Repeat the new password', echo: false },
    ],
  });
  if (!answers || !answers[0]) return null;
  if (answers[1] !== undefined && answers[1] !== answers[0]) {
    ctx.log('The two new passwords typed differ: the password was not changed');
    return null;
  }
  return new Secret(answers[0]);
}

export const authPhase: PhaseModule = {
  phase: 'auth',
  async run(ctx): Promise<PhaseOutcome> {
    const transport = ctx.link.transport!;
    const username = ctx.request.user ?? '';
    const password = Secret.from(ctx.request.password);
    const key = ctx.link.key;
    const auth: AuthFacts = {
      methods: [...(ctx.facts.auth?.methods ?? [])],
      attempts: [],
      credentials: { password: !!password, key: !!key, agent: ctx.request.useAgent !== false && !ctx.request.identitiesOnly && !!agentSocket(ctx.options.agentSocket), prompt: !!ctx.options.prompt },
    };
    const kbdQueue: KbdRequest[] = [];
    let current: Attempt | null = null;
    let agentKeys: AgentKey[] | null = null;
    const tried = { none: false, key: false, kbd: false, password: false, agent: new Set<string>() };
    let kbdSentPassword = false;
    let newPassword: Secret | null = null;
    let newPasswordAsked = false;
    let partialSeen = false;
    /** The one second look at the password (look-alike characters, Caps Lock), at most one extra try. */
    let variant: { idea: PasswordIdea; value: Secret } | null = null;
    if (password) {
      const idea = passwordIdeas(password.reveal())[0];
      const value = idea ? passwordVariant(password.reveal(), idea) : null;
      if (idea && value !== null) variant = { idea, value: new Secret(value) };
    }

    const start = (record: AuthAttempt) => {
      current = { record, failuresBefore: transport.authFailures };
      transport.lastKeyAlgorithm = null;
      auth.attempts.push(record);
    };

    const kbdPrompt = (name: string, instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback): void => {
      kbdQueue.push({ name: name ?? '', instructions: instructions ?? '', prompts: prompts ?? [], finish });
      transport.poke();
    };

    /** The login methods this site's program uses (all, unless the site names some). */
    const siteMethods = new Set<LoginMethod>(ctx.request.authMethods?.length ? ctx.request.authMethods : LOGIN_METHODS);
    /** The password method the site leaves out while it keeps the other (the one a second look may try). */
    const leftOut: 'keyboard-interactive' | 'password' | null =
      siteMethods.has('password') && !siteMethods.has('keyboard-interactive') ? 'keyboard-interactive' : siteMethods.has('keyboard-interactive') && !siteMethods.has('password') ? 'password' : null;

    const useAgent = ctx.request.useAgent !== false && !ctx.request.identitiesOnly;
    const loadAgent = async (): Promise<AgentKey[]> => {
      if (agentKeys) return agentKeys;
      agentKeys = [];
      const socket = useAgent ? agentSocket(ctx.options.agentSocket) : null;
      if (!socket) {
        auth.agentKeys = null;
        return agentKeys;
      }
      const listed = await listAgentKeys(socket, Math.min(1500, ctx.remaining()));
      if ('error' in listed) {
        ctx.log(`No keys from the SSH agent (${listed.error})`);
        auth.agentKeys = null;
      } else {
        const givenBlob = key?.publicBlob;
        agentKeys = listed.keys.filter((k) => !givenBlob || !k.blob.equals(givenBlob));
        auth.agentKeys = listed.keys.length;
        ctx.log(`The SSH agent holds ${listed.keys.length} key(s)`);
      }
      return agentKeys;
    };

    /** The next thing to try, in OpenSSH's order, among the methods the server still allows. */
    const nextMethod = async (methods: string[] | null): Promise<AnyAuthMethod | false> => {
      if (!tried.none) {
        tried.none = true;
        start({ method: 'none', result: 'error' });
        return { type: 'none', username };
      }
      const allowed = new Set(methods ?? []);
      if (allowed.has('publickey') && siteMethods.has('publickey')) {
        if (key && !tried.key) {
          tried.key = true;
          const forced = key.type === 'ssh-rsa' ? ctx.request.rsaSignature : undefined;
          transport.rsaSignature = forced ? { blob: key.publicBlob, algorithm: forced } : null;
          ctx.progress(`Trying the key ${key.type} ${key.fingerprint_sha256}${forced ? `, signed with ${forced}` : ''}`);
          start({ method: 'publickey', source: 'given', keyType: key.type, detail: key.fingerprint_sha256, result: 'error' });
          return { type: 'publickey', username, key: key.privateKey };
        }
        // A second look, once: the RSA key refused as signed with one algorithm, offered again
        // signed with another (servers limited by PubkeyAcceptedAlgorithms take only some), when
        // the attempts still planned leave one try to spare below the server's limit.
        const given = auth.attempts.find((a) => a.source === 'given' && !a.signatureLook);
        if (key && key.type === 'ssh-rsa' && given?.result === 'failure' && given.signature && !auth.signatureLook) {
          const other = otherRsaSignature(given.signature, transport.sigAlgs);
          const agentLeft = (await loadAgent()).filter((k) => !tried.agent.has(k.fingerprint)).length;
          const passwordLeft = password && (allowed.has('password') || allowed.has('keyboard-interactive')) ? 1 : 0;
          const counted = auth.attempts.filter((a) => a.method !== 'none' && a.result === 'failure').length;
          if (other && counted + 1 + agentLeft + passwordLeft < SERVER_TRIES) {
            auth.signatureLook = { used: given.signature, tried: other, result: 'refused' };
            transport.rsaSignature = { blob: key.publicBlob, algorithm: other };
            ctx.progress(`Trying the key once more, signed with ${other} instead of ${given.signature}`);
            start({ method: 'publickey', source: 'given', keyType: key.type, detail: key.fingerprint_sha256, result: 'error', signatureLook: true });
            return { type: 'publickey', username, key: key.privateKey };
          }
        }
        for (const k of await loadAgent()) {
          if (tried.agent.has(k.fingerprint)) continue;
          tried.agent.add(k.fingerprint);
          ctx.progress(`Trying the agent's key ${k.type} ${k.fingerprint}`);
          start({ method: 'publickey', source: 'agent', keyType: k.type, detail: k.fingerprint, result: 'error' });
          return { type: 'agent', username, agent: k.agent } as AnyAuthMethod;
        }
      }
      if (allowed.has('keyboard-interactive') && siteMethods.has('keyboard-interactive') && !tried.kbd && (password || ctx.options.prompt)) {
        tried.kbd = true;
        ctx.progress('Trying keyboard-interactive login');
        start({ method: 'keyboard-interactive', result: 'error' });
        return { type: 'keyboard-interactive', username, prompt: kbdPrompt };
      }
      if (allowed.has('password') && siteMethods.has('password') && password && !tried.password && !kbdSentPassword) {
        tried.password = true;
        ctx.progress('Trying the password');
        start({ method: 'password', result: 'error' });
        return { type: 'password', username, password: password.reveal() };
      }
      // A second look, once: the password refused exactly once in this run and the server said
      // nothing about the account. Two refusals in all stay below the usual lock-out limits
      // (pam_faillock locks at 3 by default, OpenSSH's MaxAuthTries is 6).
      const refusedPasswords = auth.attempts.filter((a) => (a.method === 'password' || a.method === 'keyboard-interactive') && a.result === 'failure').length;
      // The other look, once: the same password over the password method the site leaves out
      // (keyboard-interactive or password), when the server allows it and its tries allow one more.
      if (password && leftOut && allowed.has(leftOut) && !auth.methodLook && refusedPasswords <= 1 && transport.authFailures <= 3 && !transport.lateBanner) {
        auth.methodLook = { method: leftOut, result: 'refused', siteMethods: LOGIN_METHODS.filter((m) => siteMethods.has(m)) };
        ctx.progress(`Trying the same password once over ${leftOut}, which this site leaves out`);
        start({ method: leftOut, result: 'error', outsideSite: true });
        if (leftOut === 'password') {
          tried.password = true;
          return { type: 'password', username, password: password.reveal() };
        }
        tried.kbd = true;
        return { type: 'keyboard-interactive', username, prompt: kbdPrompt };
      }
      if (variant && allowed.has('password') && siteMethods.has('password') && !auth.secondLook && refusedPasswords === 1 && transport.authFailures <= 3 && transport.kbdTexts.length === 0 && !transport.lateBanner) {
        auth.secondLook = { idea: variant.idea, result: 'refused' };
        ctx.progress('Trying the password once more, corrected');
        start({ method: 'password', result: 'error', variant: variant.idea });
        return { type: 'password', username, password: variant.value.reveal() };
      }
      return false;
    };

    /** Answers one keyboard-interactive request: the password where asked, the person for anything else. */
    const answerKbd = async (req: KbdRequest): Promise<void> => {
      const texts = req.prompts.map((p) => p.prompt);
      const all = [req.name, req.instructions, ...texts].join('\n');
      const rec = (current as Attempt | null)?.record;
      if (rec) rec.note = clip([rec.note, ...texts.map((t) => t.trim())].filter(Boolean).join(' | '));
      if (req.prompts.length === 0) return req.finish([]);
      const expired = EXPIRED_TEXT.test(all) || req.prompts.some((p) => NEW_PASSWORD_PROMPT.test(p.prompt) && PASSWORD_PROMPT.test(p.prompt));
      if (expired) auth.expired = 'pam';
      const answers: (string | null)[] = [];
      for (const p of req.prompts) {
        const t = p.prompt;
        if (SECOND_FACTOR_PROMPT.test(t)) {
          answers.push(null);
        } else if (PASSWORD_PROMPT.test(t) && NEW_PASSWORD_PROMPT.test(t)) {
          if (!newPassword && !newPasswordAsked) {
            newPasswordAsked = true;
            newPassword = await askNewPassword(ctx, all);
          }
          answers.push(newPassword ? newPassword.reveal() : null);
        } else if (asksPassword(t) && CURRENT_PASSWORD_PROMPT.test(t) && password) {
          answers.push(password.reveal());
        } else if (req.prompts.length === 1 && !p.echo && asksPassword(t) && password && !kbdSentPassword) {
          kbdSentPassword = true;
          answers.push(password.reveal());
        } else if (req.prompts.length === 1 && asksPassword(t) && kbdSentPassword) {
          // Asked for the password again: the one we sent was wrong. Sending it twice changes nothing.
          if (rec) rec.note = clip(`${rec.note ?? ''} | the server asked for the password again`);
          answers.push('');
        } else {
          answers.push(null);
        }
      }
      if (answers.some((a) => a === null) && rec?.outsideSite) {
        // A second look sends the password only where the server asks for it; it asks the person
        // nothing, and answers nothing else (a one-time code, a token): the questions are kept.
        const open = req.prompts.filter((_, i) => answers[i] === null);
        const secondFactor = open.some((p) => SECOND_FACTOR_PROMPT.test(p.prompt));
        if (auth.methodLook) auth.methodLook.result = secondFactor ? 'second-factor' : 'not-asked';
        if (secondFactor) auth.unanswered = [...(auth.unanswered ?? []), ...open.map((p) => clip(p.prompt, 120))];
        return req.finish(answers.map(() => ''));
      }
      if (answers.some((a) => a === null)) {
        const open = req.prompts.filter((_, i) => answers[i] === null);
        const fromPerson = open.some((p) => SECOND_FACTOR_PROMPT.test(p.prompt) || !(PASSWORD_PROMPT.test(p.prompt) && NEW_PASSWORD_PROMPT.test(p.prompt)))
          ? await ask(ctx, {
              purpose: 'keyboard-interactive',
              title: req.name.trim() || 'The server asks a question',
              instructions: req.instructions.trim(),
              prompts: open.map((p) => ({ text: p.prompt, echo: !!p.echo })),
            })
          : null;
        if (fromPerson) {
          let j = 0;
          for (let i = 0; i < answers.length; i++) if (answers[i] === null) answers[i] = fromPerson[j++] ?? '';
        } else {
          auth.unanswered = [...(auth.unanswered ?? []), ...open.map((p) => clip(p.prompt, 120))];
        }
      }
      req.finish(answers.map((a) => a ?? ''));
    };

    const settle = (result: AuthAttempt['result'], methodsLeft?: string[] | null) => {
      const c = current as Attempt | null;
      if (!c) return;
      c.record.result = result;
      // The signature algorithm an RSA key offer went out with (ssh2's choice, or the one set).
      if (c.record.method === 'publickey' && c.record.keyType === 'ssh-rsa' && isRsaSignature(transport.lastKeyAlgorithm)) c.record.signature = transport.lastKeyAlgorithm;
      if (methodsLeft) c.record.methodsLeft = [...methodsLeft];
      current = null;
    };

    // The loop: each turn of ssh2's authentication, a keyboard-interactive question, a password
    // change request, success or the end of the connection. Bounded by the number of things to try.
    let outcome: 'success' | 'exhausted' | 'failure' | 'timeout' | 'changereq' = 'exhausted';
    for (let step = 0; step < 400; step++) {
      const waited = await transport.waitFor<AuthTurn | KbdRequest | 'ready' | 'changereq'>(
        () => (transport.ready ? 'ready' : (kbdQueue.shift() ?? transport.authTurns.shift() ?? (transport.passwordChangeRequest ? 'changereq' : undefined))),
        ctx.remaining(),
        ctx.signal,
      );
      if (waited === 'failure') {
        outcome = 'failure';
        break;
      }
      if (waited === 'timeout' || waited === 'aborted') {
        outcome = 'timeout';
        break;
      }
      const ev = waited.value;
      if (ev === 'ready') {
        settle('success');
        outcome = 'success';
        break;
      }
      if (ev === 'changereq') {
        auth.expired = 'change-request';
        const serverText = transport.passwordChangeRequest ?? '';
        const rec = (current as Attempt | null)?.record;
        if (rec) rec.note = clip(`password change requested: ${serverText}`);
        const fresh = password ? await askNewPassword(ctx, serverText) : null;
        if (!fresh || !password || !transport.sendPasswordChange(username, password.reveal(), fresh.reveal())) {
          outcome = 'changereq';
          break;
        }
        newPassword = fresh;
        start({ method: 'password-change', result: 'error' });
        continue;
      }
      if ('finish' in ev) {
        await answerKbd(ev);
        continue;
      }
      // A new turn: the previous attempt was refused (or skipped by ssh2 without asking the server).
      const turn = ev;
      const c = current as Attempt | null;
      // The answer to `none` is the server's list of allowed methods.
      if (turn.methodsLeft && (c?.record.method === 'none' || auth.methods.length === 0)) auth.methods = [...turn.methodsLeft];
      if (c) {
        const skipped = transport.authFailures === c.failuresBefore && c.record.method !== 'none';
        if (skipped) c.record.note = clip([c.record.note, 'not sent: no signature algorithm in common with the server'].filter(Boolean).join(' | '));
        settle(skipped ? 'error' : turn.partialSuccess ? 'partial' : 'failure', turn.methodsLeft);
        if (turn.partialSuccess) partialSeen = true;
      }
      const next = await nextMethod(turn.methodsLeft);
      if (next === false) {
        turn.respond(false);
        break;
      }
      turn.respond(next);
    }

    if (transport.authBanner) auth.banner = clip(transport.authBanner, 2000);
    if (transport.lateBanner) auth.lateBanner = clip(transport.lateBanner, 2000);
    if (transport.sigAlgs) auth.sigAlgs = transport.sigAlgs;
    const kbdTexts = [...new Set(transport.kbdTexts.map((t) => clip(t, 1000)).filter(Boolean))];
    if (kbdTexts.length) auth.kbdTexts = kbdTexts;
    if (transport.disconnectMessage) {
      auth.disconnect = clip(transport.disconnectMessage, 300);
      auth.disconnectBy = 'server';
    }
    if (outcome === 'success' && newPassword && auth.expired) auth.passwordChanged = true;
    if (auth.secondLook && auth.attempts.some((a) => a.variant && a.result === 'success')) auth.secondLook.result = 'accepted';
    if (auth.methodLook && auth.attempts.some((a) => a.outsideSite && a.result === 'success')) auth.methodLook.result = 'accepted';
    if (auth.signatureLook && auth.attempts.some((a) => a.signatureLook && a.result === 'success')) auth.signatureLook.result = 'accepted';
    // The login worked, but the server announced an expired password: the session will refuse to start.
    if (outcome === 'success' && !auth.expired && auth.banner && EXPIRED_TEXT.test(auth.banner)) auth.expired = 'session';
    auth.success = outcome === 'success';
    const record = auth.attempts.filter((a) => a.method !== 'none');

    if (outcome === 'success') {
      const winner = auth.attempts.at(-1);
      const how = winner?.method === 'publickey' ? `the ${winner.source === 'agent' ? "agent's " : ''}key ${winner.keyType ?? ''} ${winner.detail ?? ''}`.replace(/\s+/g, ' ') : (winner?.method ?? 'none');
      const givenKeyRefused = auth.attempts.some((a) => a.source === 'given' && a.result !== 'success' && a.result !== 'partial');
      const detail = `Logged in as ${username} with ${how}${auth.passwordChanged ? ' (new password set)' : ''}${givenKeyRefused ? '; the key given was refused' : ''}`;
      return { status: givenKeyRefused || auth.passwordChanged || auth.expired ? 'warn' : 'ok', detail, facts: { auth } };
    }
    // The connection ended while an attempt waited for its answer: the server neither accepted nor
    // refused it (OpenSSH does this when PAM's account check refuses after a right password).
    const pending = (current as Attempt | null)?.record;
    if (outcome === 'failure' && pending && pending.method !== 'none') auth.closedAfter = pending.method;
    settle(outcome === 'timeout' ? 'error' : 'failure');
    const why =
      outcome === 'changereq'
        ? 'The server requires a new password'
        : auth.disconnect
          ? `The server ended the connection: ${auth.disconnect}`
          : outcome === 'timeout'
            ? 'The server stopped answering during login'
            : record.length === 0
              ? `Nothing to try among the methods the server allows (${auth.methods.join(', ') || 'none'})`
              : `Refused after ${record.length} attempt${record.length === 1 ? '' : 's'} (${[...new Set(record.map((a) => a.method))].join(', ')})`;
    if (partialSeen) ctx.log('The server accepted one method and requires another');
    if (outcome === 'failure' && !auth.disconnect && transport.failure) auth.disconnect = clip(transport.failure.message, 300);
    return { status: 'fail', detail: why, facts: { auth }, stop: true };
  },
};
