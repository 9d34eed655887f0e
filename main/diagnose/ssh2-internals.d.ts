// ssh2's own algorithm tables (not part of its typed API, but stable across 1.x).
declare module 'ssh2/lib/protocol/constants.js' {
  export const DEFAULT_KEX: string[];
  export const SUPPORTED_KEX: string[];
  export const DEFAULT_SERVER_HOST_KEY: string[];
  export const SUPPORTED_SERVER_HOST_KEY: string[];
  export const DEFAULT_CIPHER: string[];
  export const SUPPORTED_CIPHER: string[];
  export const DEFAULT_MAC: string[];
  export const SUPPORTED_MAC: string[];
  export const DEFAULT_COMPRESSION: string[];
  export const SUPPORTED_COMPRESSION: string[];
}

// ssh2's client and agent modules, required one by one (main/diagnose/ssh2.ts): the types are
// those of the package's index, which re-exports them.
declare module 'ssh2/lib/client.js' {
  import type { Client } from 'ssh2';
  const client: typeof Client;
  export = client;
}
declare module 'ssh2/lib/agent.js' {
  export { BaseAgent, createAgent } from 'ssh2';
}
