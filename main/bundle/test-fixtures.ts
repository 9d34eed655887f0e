/**
 * Sample runs for the bundle's unit tests (the real-server tests use the engine instead).
 * Shaped like what the engine emits: a key-exchange mismatch on the first round, then a
 * successful round after a fix, with a hostile banner and IPv4/IPv6 addresses in the facts.
 */
import { askAdmin } from '../../shared/actions';
import { makeFix } from '../../shared/fixes';
import type { KeyInspection } from '../../shared/keys';
import type { RunEvent, RunResult } from '../../shared/types';
import { Secret } from '../common/secret';
import type { BundleInput, EnvironmentFacts } from './types';

export const SAMPLE = {
  host: 'files.acme-corp.example',
  alias: 'sftp-legacy.acme-corp.example',
  user: 'jdoe',
  localUser: 'marta',
  ipv4: '198.18.7.42',
  ipv6: '2001:db8:abcd:12::7',
  password: 'Tr0ub4dor&3-horse"battery',
  passphrase: 'correct horse staple',
  hostileBanner: 'SSH-2.0-<script>alert(1)</script>&<img src=x onerror=alert(2)>',
};

export const SAMPLE_PRIVATE_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBQwH1Gx5mWzLOq2kV0GVnR3mDC7FLr1k9Jq6pEy8Ts8AAAAJjq1mWo6tZl',
  'qAAAAAtzc2gtZWQyNTUxOQAAACBQwH1Gx5mWzLOq2kV0GVnR3mDC7FLr1k9Jq6pEy8Ts8A',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

const hostKey = {
  type: 'ssh-ed25519',
  sha256: 'SHA256:Xq3s0v7bH1n2m9yq4ZzGg6o8T1u2v3w4x5y6z7A8B9C',
  md5: 'MD5:3f:1a:9c:22:7b:de:00:41:aa:bb:cc:dd:ee:ff:10:20',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFDAfUbHmZbMs6raRXQZWdHeYMLsUuvWT0mrqkTLxOzw',
};

function result(runId: string, ok: boolean): RunResult {
  const { host, user, ipv4, ipv6 } = SAMPLE;
  return {
    runId,
    startedAt: '2024-05-06T07:08:09.000Z',
    totalMs: ok ? 180 : 95,
    request: {
      protocol: 'sftp',
      host: `sftp://${user}@${host}:2222/`,
      port: 2222,
      user,
      passwordGiven: true,
      keyGiven: true,
      keyPath: `/home/${SAMPLE.localUser}/.ssh/id_ed25519`,
      passphraseGiven: true,
      useAgent: true,
      identitiesOnly: false,
      legacyAlgorithms: ok ? ['diffie-hellman-group14-sha1'] : [],
      knownHostsPath: `/home/${SAMPLE.localUser}/.config/sftp-doctor/known_hosts`,
      startPath: null,
      timeoutMs: 10000,
    },
    diagnosis: ok
      ? { code: 'OK', ok: true, phase: 'sftp', title: 'Connected: SFTP works', explanation: `Logged in to ${host} as ${user} and listed the home folder.`, nextStep: 'Nothing to do: save the site.', evidence: [], fixes: [], actions: [] }
      : {
          code: 'KEX_NO_COMMON_ALGORITHM',
          ok: false,
          phase: 'kex',
          title: 'No encryption method in common',
          explanation: `The server ${host} (${ipv4}) only offers old key exchange methods that this app does not use by default.`,
          nextStep: 'Allow the older method for this site only, or ask the admin to update the server.',
          evidence: [
            { label: 'Server offers', value: 'diffie-hellman-group14-sha1', mono: true, highlight: true },
            { label: 'Server greeting', value: SAMPLE.hostileBanner, mono: true },
          ],
          fixes: [makeFix('allow-legacy-algorithms', { algorithms: ['diffie-hellman-group14-sha1'], categories: ['kex'], risks: ['SHA-1'] })],
          actions: [askAdmin('algorithms')],
        },
    steps: [
      { phase: 'input', status: 'ok', ms: 1, detail: `${user}@${host}:2222` },
      { phase: 'dns', status: 'ok', ms: 12, detail: `${ipv4}, ${ipv6}` },
      { phase: 'tcp', status: 'ok', ms: 3, detail: `connected to [${ipv6}]:2222` },
      { phase: 'banner', status: 'ok', ms: 20, detail: SAMPLE.hostileBanner },
      { phase: 'kex', status: ok ? 'ok' : 'fail', ms: 40, detail: ok ? 'agreed' : 'no common key exchange method' },
    ],
    facts: {
      input: { host, port: 2222, user, warnings: [] },
      dns: { addresses: [{ address: ipv4, family: 4 }, { address: ipv6, family: 6 }] },
      tcp: { address: ipv6, port: 2222, attempts: [{ address: ipv6, result: 'connected', ms: 3 }] },
      server: { banner: SAMPLE.hostileBanner, software: '<script>alert(1)</script>', preBanner: [`Welcome to ${host}, ${user}!`], algorithms: { kex: ['diffie-hellman-group14-sha1'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'], compression: ['none'] } },
      kex: {
        client: { kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr', 'chacha20-poly1305@openssh.com'], mac: ['hmac-sha2-256'], compression: ['none'] },
        ...(ok ? { negotiated: { kex: 'diffie-hellman-group14-sha1', cipher: 'aes128-ctr' } } : { mismatch: { category: 'kex' as const, server: ['diffie-hellman-group14-sha1'], client: ['curve25519-sha256', 'ecdh-sha2-nistp256'], legacyCandidates: ['diffie-hellman-group14-sha1'] } }),
      },
      ...(ok
        ? {
            hostkey: { key: hostKey, status: 'trusted' as const, matches: [{ file: `/home/${SAMPLE.localUser}/.config/sftp-doctor/known_hosts`, line: 3, type: 'ssh-ed25519', sha256: hostKey.sha256 }], knownHostsFile: `/home/${SAMPLE.localUser}/.config/sftp-doctor/known_hosts` },
            auth: { methods: ['publickey', 'password'], attempts: [{ method: 'publickey', detail: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', result: 'failure' as const, methodsLeft: ['password'] }, { method: 'password', result: 'success' as const }] },
            sftp: { path: `/home/${user}`, entries: 4 },
          }
        : {}),
    },
  };
}

export function sampleKeyInspection(): KeyInspection {
  return {
    kind: 'private',
    format: 'openssh',
    type: 'ssh-ed25519',
    bits: 256,
    curve: null,
    comment: `${SAMPLE.localUser}@laptop-${SAMPLE.localUser}`,
    encrypted: true,
    encryption: { cipher: 'aes256-ctr', kdf: 'bcrypt', rounds: 16 },
    fingerprint_sha256: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    fingerprint_md5: 'MD5:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef',
    publicKeyLine: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFDAfUbHmZbMs6raRXQZWdHeYMLsUuvWT0mrqkTLxOzw ${SAMPLE.localUser}@laptop-${SAMPLE.localUser}`,
    passphraseChecked: true,
    problems: [],
    repairs: [],
  };
}

export const sampleEnvironment: EnvironmentFacts = {
  app: { name: 'SFTP Doctor', version: '0.1.0' },
  versions: { node: '20.19.4', ssh2: '1.17.0', sshpk: '1.18.0' },
  os: { platform: 'linux', type: 'Linux', release: '6.1.0', version: '#1 SMP Debian', arch: 'x64' },
  locale: 'en-US',
  agent: { available: true, keys: 2 },
};

export function sampleInput(overrides: Partial<BundleInput> = {}): BundleInput {
  const r1 = result('run-1', false);
  const r2 = result('run-2', true);
  const events: RunEvent[] = [
    { type: 'phase', runId: 'run-1', phase: 'dns', status: 'ok', ms: 12, detail: `${SAMPLE.host} -> ${SAMPLE.ipv4}` },
    { type: 'log', runId: 'run-1', ms: 14, source: 'ssh', text: `Socket connected to ${SAMPLE.ipv4}:2222 and [${SAMPLE.ipv6}]:2222` },
    { type: 'log', runId: 'run-1', ms: 30, source: 'ssh', text: `Remote ident: '${SAMPLE.hostileBanner}'\x1b[31m` },
    { type: 'log', runId: 'run-2', ms: 60, source: 'ssh', text: `Outbound: Sending USERAUTH_REQUEST (password) for ${SAMPLE.user}` },
    { type: 'log', runId: 'run-2', ms: 61, source: 'engine', text: `reading key /home/${SAMPLE.localUser}/.ssh/id_ed25519 (MD5 check MD5:3f:1a:9c:22:7b:de:00:41:aa:bb:cc:dd:ee:ff:10:20 at 10:20:30)` },
    { type: 'done', runId: 'run-2', result: r2 },
  ];
  return {
    rounds: [{ result: r1 }, { result: r2, appliedFix: { id: 'allow-legacy-kex', label: 'Allow diffie-hellman-group14-sha1 for this site' } }],
    events,
    keyInspection: sampleKeyInspection(),
    knownHostsLines: [
      { file: `/home/${SAMPLE.localUser}/.config/sftp-doctor/known_hosts`, line: 3, text: `${SAMPLE.host},${SAMPLE.alias},${SAMPLE.ipv4} ${hostKey.publicKey}` },
      { file: `/home/${SAMPLE.localUser}/.config/sftp-doctor/known_hosts`, line: 7, text: `|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= ${hostKey.publicKey}` },
    ],
    environment: sampleEnvironment,
    secrets: [new Secret(SAMPLE.password), new Secret(SAMPLE.passphrase), new Secret(SAMPLE_PRIVATE_KEY)],
    createdAt: new Date('2024-05-06T07:09:00.000Z'),
    ...overrides,
  };
}
