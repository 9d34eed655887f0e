import type { PromptAnswer, PromptRequest, RunEvent } from '../../shared/types';

/** A prompt as the engine asks it; the front end's answerer adds nothing but the answer. */
export type PromptAsker = (request: PromptRequest) => Promise<PromptAnswer>;

/** How a front end (Electron, the UI host, the CLI) runs the engine. */
export interface DiagnoseOptions {
  /** Given by the caller so events can be routed before the run ends; generated when absent. */
  runId?: string;
  /** Every event of the run, in order. Never carries a secret. */
  onEvent?: (event: RunEvent) => void;
  /**
   * Asks the user something (host key trust, passphrase, keyboard-interactive...).
   * Absent (e.g. `--json` without a terminal): the engine ends with the diagnosis instead of asking.
   */
  prompt?: PromptAsker;
  signal?: AbortSignal;
  /** known_hosts used when the request names none: the app's own store. */
  defaultKnownHostsPath: string;
  /**
   * The SSH agent to use when the request allows it: a socket path ('pageant' on Windows), '' for
   * none. Default: SSH_AUTH_SOCK of this process (Pageant on Windows).
   */
  agentSocket?: string;
}
