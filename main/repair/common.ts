import os from 'node:os';
import path from 'node:path';
import type { ConnectionRequest, Fix } from '../../shared/types';

type Params = Fix['params'] | undefined;

function param(params: Params, name: string): unknown {
  return params ? (params as Record<string, unknown>)[name] : undefined;
}
import { parseHostField, parsePort } from '../../shared/host-input';
import { appendFileLocked, FileWriteError } from '../store/atomic-file';
import { RepairError, type RepairContext } from './types';

export function str(params: Params, name: string): string | undefined {
  const v = param(params, name);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function num(params: Params, name: string): number | undefined {
  const v = param(params, name);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function list(params: Params, name: string): string[] {
  const v = param(params, name);
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  if (typeof v === 'string' && v.trim()) return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** Host and port the run talked to: the engine's parsed input, else the request as typed. */
export function targetOf(ctx: RepairContext): { host: string; port: number } {
  const input = ctx.result.facts.input;
  if (input) return { host: input.host, port: input.port };
  const parsed = parseHostField(ctx.request.host);
  const port = ctx.request.port !== undefined && ctx.request.port !== '' ? (parsePort(ctx.request.port) ?? 22) : (parsed.port ?? 22);
  return { host: parsed.host, port };
}

export function knownHostsFileOf(ctx: RepairContext): string {
  return ctx.request.knownHostsPath || ctx.result.facts.hostkey?.knownHostsFile || ctx.defaultKnownHostsPath;
}

export function homeOf(ctx: RepairContext): string {
  return ctx.homeDir ?? os.homedir();
}

/** "~/x" for paths in the user's home (shorter to read), others as they are. */
export function tildify(file: string, home: string): string {
  return file === home ? '~' : file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

export function requireConfirmed(fix: Fix, confirmed: boolean): void {
  if (fix.risk !== 'safe' && !confirmed) {
    throw new RepairError('NEEDS_CONFIRMATION', `"${fix.label}" changes more than this attempt: read the exact changes it will make, then confirm them to apply it.`);
  }
}

/** A copy of the request with the given fields changed (undefined removes a field). */
export function withRequest(request: ConnectionRequest, patch: Partial<Record<keyof ConnectionRequest, unknown>>): ConnectionRequest {
  const merged: Record<string, unknown> = { ...request, ...patch };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as unknown as ConnectionRequest;
}

/**
 * Appends one line per change to the repair log (JSON lines, no secrets): what was changed,
 * where, and the backups made. Failing to log never undoes a repair; it is said in the result.
 */
export async function logChanges(ctx: RepairContext, fixId: string, changes: string[], backups: string[]): Promise<string | null> {
  if (!ctx.logFile || changes.length === 0) return null;
  const { host, port } = targetOf(ctx);
  const entry = { time: new Date().toISOString(), fix: fixId, server: `${ctx.request.user ? `${ctx.request.user}@` : ''}${host}:${port}`, runId: ctx.result.runId, changes, backups };
  try {
    // Under the log's cross-process lock: the CLI and the window may both be repairing.
    await appendFileLocked(ctx.logFile, `${JSON.stringify(entry)}\n`);
    return null;
  } catch (err) {
    return err instanceof FileWriteError ? `The change was made, but not logged: ${err.message}` : `The change log ${ctx.logFile} could not be written (${(err as Error).message}).`;
  }
}
