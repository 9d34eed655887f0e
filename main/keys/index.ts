/** The key library: inspect any SSH key file, load it for ssh2, convert it. */
export { inspectKey, openKey, isUsable, type InspectOptions, type OpenedKey } from './inspect';
export { loadPrivateKeyForSsh, type SshReadyKey } from './load';
export { convertKey, writeKeyFile, KeyFileExistsError, type ConvertOptions, type ConvertResult, type KeyProtection } from './convert';
export { KeyError, KEY_ERROR_CODES, SEVERITY, type KeyErrorCode, type KeyProblemCode, type KeyProblemSeverity } from './problems';
export { MAX_KEY_FILE_BYTES } from './text';
export { readKeyFile } from './file';
export { readKeySource, keyGiven, keyBytesFromBase64, type KeySourceBytes, type KeySourceKind } from './source';
export { keyToolIssues, cleanKeyText, textRepairs, opensshReadsFormat, FORMAT_WORDS, type KeyFileFacts } from './portability';
