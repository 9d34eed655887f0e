/**
 * The typed API between the UI and the main-process services. One request type and one
 * result type per channel, one payload type per event channel. Both transports (Electron
 * IPC and the `sftp-doctor ui` WebSocket) carry exactly these, through one handler table.
 * The arguments are zod schemas (shared/schemas/), checked by main on every call
 * (main/services/schemas.ts); their types are re-exported here type-only.
 */
import type { CheckEvent, CheckSelection, CheckStarted } from './check';
import type { BundleOptions, FileUpload, ImportRequestOptions, KeyConvertOptions, KeyInput, RepairInput } from './schemas/api';
import type { FixId, FixKind, RiskLevel } from './fixes';
import type { KeyInspection, KeyTargetFormat } from './keys';
import type { ImportPreview, ImportSource, Site, SiteDraft, SiteSettings } from './sites';
import type { AppInfo, ConnectionRequest, PromptAnswer, PromptRequest, RunEvent } from './types';

export type { BundleOptions, FileUpload, ImportRequestOptions, KeyConvertOptions, KeyInput, RepairInput } from './schemas/api';

export interface KeyConvertResult {
  /** The converted key, as text (all target formats are text). */
  text: string;
  /** Suggested file name, e.g. "id_ed25519.ppk". */
  fileName: string;
  inspection: KeyInspection;
  /**
   * How a converted private key is protected: with the passphrase it had (the default), a new
   * one, or none (only when asked for). Null for a public key.
   */
  protection: 'same-passphrase' | 'new-passphrase' | 'none' | null;
}

/** One file of a support bundle, as the preview lists it. */
export interface BundleFilePreview {
  name: string;
  bytes: number;
  /** The file's text, so the user can read exactly what will be sent. */
  text: string;
}

export interface BundleExportResult {
  fileName: string;
  bytes: number;
  /** Where main saved it (desktop app), or null when the caller receives the data (browser host). */
  savedTo: string | null;
  /** The zip itself, base64, for the browser host to offer as a download. */
  base64: string | null;
}

/** A fix's dry run: exactly what applying it would change. */
export interface RepairPlan {
  fixId: FixId;
  label: string;
  risk: RiskLevel;
  kind: FixKind;
  /** Each change, concretely (file and line, remote path and mode, form field and value). */
  changes: string[];
  /** What the user must give before it can be applied. */
  needs: ('confirmation' | 'fingerprint' | 'new-password' | 'folder' | 'password')[];
  /** What the user should weigh before agreeing (security risks, what cannot be undone). */
  notes?: string[];
}

export interface RepairOutcome {
  fixId: FixId;
  applied: boolean;
  /** What was changed, in plain words. */
  changes: string[];
  /** Backups made before changing a file. */
  backups: string[];
  /** Form fields the fix changed (form and per-site fixes): the UI puts them in the form. */
  settings?: Partial<SiteSettings>;
  /** The run that re-checks the connection after the fix (its events stream as usual); null if none. */
  runId: string | null;
  /** One sentence for the user. */
  message: string;
}

/** A tool with something to import in this home folder (for the first-start offer). */
export interface DiscoveredImportSource {
  source: ImportSource;
  /** The tool's name as users know it, e.g. "FileZilla". */
  label: string;
  /** Sites that could be imported, not counting those already saved. */
  sites: number;
  hostKeys: number;
}

export interface ApiRequests {
  'app:info': { args: []; result: AppInfo };
  'diagnose:start': { args: [request: ConnectionRequest]; result: { runId: string } };
  'diagnose:cancel': { args: [runId: string]; result: { cancelled: boolean } };
  'prompt:answer': { args: [runId: string, answer: PromptAnswer]; result: { accepted: boolean } };
  'sites:list': { args: []; result: Site[] };
  'sites:save': { args: [draft: SiteDraft]; result: Site };
  'sites:delete': { args: [id: string]; result: { deleted: boolean } };
  'sites:import-preview': { args: [source: ImportSource, file?: string | FileUpload]; result: ImportPreview };
  'sites:import': { args: [source: ImportSource, keys: string[], options: ImportRequestOptions]; result: Site[] };
  'sites:discover': { args: []; result: DiscoveredImportSource[] };
  'repair:plan': { args: [runId: string, fixId: string]; result: RepairPlan };
  'repair:apply': { args: [runId: string, fixId: string, input: RepairInput]; result: RepairOutcome };
  'bundle:preview': { args: [runId: string, options: BundleOptions]; result: BundleFilePreview[] };
  'bundle:export': { args: [runId: string, options: BundleOptions]; result: BundleExportResult };
  'keys:inspect': { args: [key: KeyInput, passphrase?: string]; result: KeyInspection };
  'keys:convert': {
    /** Without newPassphrase or noPassphrase, an encrypted key keeps its passphrase. */
    args: [key: KeyInput, to: KeyTargetFormat, options: KeyConvertOptions];
    result: KeyConvertResult;
  };
  'check:start': { args: [selection: CheckSelection]; result: CheckStarted };
  'check:cancel': { args: [checkId: string]; result: { cancelled: boolean } };
}

export interface ApiEvents {
  'run:event': RunEvent;
  'run:prompt': PromptRequest;
  'check:event': CheckEvent;
}

export type RequestChannel = keyof ApiRequests;
export type EventChannel = keyof ApiEvents;

export const REQUEST_CHANNELS = [
  'app:info',
  'diagnose:start',
  'diagnose:cancel',
  'prompt:answer',
  'sites:list',
  'sites:save',
  'sites:delete',
  'sites:import-preview',
  'sites:import',
  'sites:discover',
  'repair:plan',
  'repair:apply',
  'bundle:preview',
  'bundle:export',
  'keys:inspect',
  'keys:convert',
  'check:start',
  'check:cancel',
] as const satisfies readonly RequestChannel[];
export const EVENT_CHANNELS = ['run:event', 'run:prompt', 'check:event'] as const satisfies readonly EventChannel[];

/**
 * Results that are the user's own saved sites, passed as stored: a site's name, folder and
 * settings must survive list -> edit -> save byte for byte, control characters included. The
 * window shows them through shared/visible.ts itself. Every other result and event has its
 * control characters made visible by the transport.
 */
export const STORED_RESULT_CHANNELS: readonly RequestChannel[] = ['sites:list', 'sites:save', 'sites:import'];

// Compile-time proof that the channel lists name every channel.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allRequests: Missing<RequestChannel, (typeof REQUEST_CHANNELS)[number]> extends never ? true : never = true;
const _allEvents: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void _allRequests;
void _allEvents;

/** What the renderer sees: the same object whether Electron's preload or the WebSocket bridge provides it. */
export interface SftpDoctorApi {
  invoke<K extends RequestChannel>(channel: K, ...args: ApiRequests[K]['args']): Promise<ApiRequests[K]['result']>;
  on<K extends EventChannel>(channel: K, listener: (payload: ApiEvents[K]) => void): () => void;
}

/** Errors crossing the bridge keep only a code and a message meant for the user. */
export interface ApiErrorShape {
  code: 'INVALID_ARGUMENT' | 'UNKNOWN_CHANNEL' | 'FORBIDDEN' | 'FAILED';
  message: string;
}

/** Name of the global the Electron preload exposes. */
export const API_GLOBAL = 'sftpDoctor';
