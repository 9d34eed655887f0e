/**
 * The key library as `sftp-doctor keys` uses it: the same inspection and conversion the window's
 * key inspector runs (keys:inspect, keys:convert in key-handlers.ts), plus reading and writing the
 * files named on the command line. A module of its own, without the engine, so that the keys
 * command loads nothing else.
 */
import type { KeyProblem } from '../../shared/keys';
import { convertKey, inspectKey, isUsable, KeyError, KeyFileExistsError, readKeyFile, writeKeyFile } from '../keys/index';

export const keyTools = {
  read: readKeyFile,
  inspect: inspectKey,
  convert: convertKey,
  write: writeKeyFile,
  isUsable,
  /** A key that cannot be read or converted: its problem, as the inspector lists problems; null for anything else. */
  problemOf: (err: unknown): KeyProblem | null => (err instanceof KeyError ? err.toProblem() : null),
  /** Writing was refused because the file exists (and replacing it was not asked for). */
  isFileExists: (err: unknown): boolean => err instanceof KeyFileExistsError,
};

export type KeyTools = typeof keyTools;
