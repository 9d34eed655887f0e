/**
 * The real-server test harness: OpenSSH sshd on loopback addresses of its own, small fake servers
 * for protocol faults, and a network namespace for dropped and unreachable connections.
 * Used by the engine's integration tests, later engine issues and the Playwright e2e.
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
export { startFakeServer, type FakeServer, type FakeServerKind, type FakeServerOptions } from './fake-servers';
export { createNetworkTrap, networkTrapAvailable, type NetworkTrap } from './netns';
