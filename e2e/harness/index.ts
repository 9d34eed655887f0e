/**
 * The real-server test harness: OpenSSH sshd on loopback addresses of its own, small fake servers
 * for protocol faults, and a network namespace for dropped and unreachable connections.
 * Used by the engine's integration tests, later engine issues and the Playwright e2e.
 *
 *   const server = await startSshd({ config: { PasswordAuthentication: 'no' } });
 *   // server.host (own 127.x.y.z), server.port, server.hostKeys[i].sha256 / .md5 (from ssh-keygen -l)
 *   await ensureUser({ name: 'sdtest', password: 'pw' });   // a Unix user for auth tests (root)
 *   const ftp = await startFakeServer('ftp', { host: server.host, port: 21 });
 *   const trap = await createNetworkTrap();   // trap.dropHost (SYN dropped), trap.unreachableHost,
 *                                             // trap.exec(cmd, args) inside it (no working DNS)
 *   await Promise.all([server.stop(), ftp.stop(), trap.stop()]);
 *
 *   const db = await startDropbear();        // a second SSH implementation (db.hostKey.sha256)
 *   const agent = await startAgent(); await agent.add(key.path);   // agent.socket for SSH_AUTH_SOCK
 *   await setupAccount({ name: 'sd4x', password: 'pw', shell: '/bin/bash', files: { '.bashrc': 'echo hi\n' },
 *                        authorizedKeys: [key.publicKey], sshDirMode: 0o775, expirePassword: true });
 *
 *   const nat = await startIdleProxy({ target: server, idleMs: 1500, style: "reset" });   // or "blackhole"
 *
 * Skip with sshdAvailable() / networkTrapAvailable() / dropbearAvailable(): each says why when its tools are missing.
 */
export { freeLoopbackAddress, freePort, canBind, closedEndpoint, waitForListen } from './addresses';
export {
  startSshd,
  sshdAvailable,
  generateKey,
  describeKey,
  ensureUser,
  harnessTempDir,
  SSHD_PATH,
  SSH_KEYGEN_PATH,
  type SshdOptions,
  type SshdServer,
  type GeneratedKey,
  type HostKeyType,
  type TestUser,
} from './sshd';
export { startChangeRequestServer, type ChangeRequestServer } from './change-request';
export { startFakeServer, type FakeServer, type FakeServerKind, type FakeServerOptions } from './fake-servers';
export { createNetworkTrap, networkTrapAvailable, type NetworkTrap } from './netns';
export { startDropbear, dropbearAvailable, DROPBEAR_PATH, type DropbearOptions, type DropbearServer } from './dropbear';
export { startAgent, agentAvailable, type TestAgent } from './agent';
export { setupAccount, type AccountSetup } from './accounts';
export { startDanted, startTinyproxy, dantedAvailable, tinyproxyAvailable, type ProxyServer, type DantedOptions, type TinyproxyOptions } from './proxies';
export { startIdleProxy, type IdleProxy, type IdleProxyOptions } from './idle-proxy';
