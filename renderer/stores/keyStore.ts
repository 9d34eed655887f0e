/** The key inspector: the key being looked at, what main found, and conversions. */
import { createStore, useStore } from 'zustand';
import type { KeyConvertResult, SftpDoctorApi } from '../../shared/api';
import type { KeyInspection, KeyTargetFormat } from '../../shared/keys';
import { api } from '../api';
import { errorMessage } from '../api/errors';
import type { KeyChoice } from '../logic/form';
import { keyChoiceFromBytes, keyChoiceFromText, keyInputOf } from '../logic/keyFile';

/** The user's choice for a converted private key: keep what it has, a new passphrase, or none. */
export type ConvertProtection = { kind: 'keep' } | { kind: 'new'; passphrase: string } | { kind: 'none' };

export interface KeyState {
  open: boolean;
  key: KeyChoice | null;
  inspection: KeyInspection | null;
  inspecting: boolean;
  error: string | null;
  converting: KeyTargetFormat | null;
  converted: (KeyConvertResult & { to: KeyTargetFormat }) | null;
  convertError: string | null;
  /** Kept only in memory while the inspector is open; cleared on close. */
  passphrase: string;
  showInspector(): void;
  /** Back to the empty inspector, to look at another key. */
  clear(): void;
  close(): void;
  openWith(key: KeyChoice): void;
  openWithFile(file: Blob & { name: string }): Promise<void>;
  openWithText(text: string): void;
  setPassphrase(p: string): void;
  inspect(): Promise<void>;
  /**
   * Converts the key. A private target keeps the key's protection (an encrypted key keeps its
   * passphrase) unless `protection` says a new passphrase or, chosen by the user, none.
   */
  convert(to: KeyTargetFormat, protection?: ConvertProtection): Promise<void>;
}

export function createKeyStore(getApi: () => SftpDoctorApi) {
  let generation = 0;
  return createStore<KeyState>()((set, get) => {
    const blank = { key: null, inspection: null, inspecting: false, error: null, converting: null, converted: null, convertError: null, passphrase: '' };
    const load = (key: KeyChoice) => {
      set({ ...blank, open: true, key });
      void get().inspect();
    };
    return {
      open: false,
      ...blank,
      showInspector: () => set({ open: true }),
      clear: () => {
        generation++;
        set({ ...blank, open: true });
      },
      close: () => {
        generation++;
        set({ ...blank, open: false });
      },
      openWith: load,
      async openWithFile(file) {
        try {
          const choice = keyChoiceFromBytes(file.name, new Uint8Array(await file.arrayBuffer()));
          if ('error' in choice) set({ ...blank, open: true, error: choice.error });
          else load(choice);
        } catch {
          set({ ...blank, open: true, error: `"${file.name}" could not be read. Check that the file still exists and that you may read it.` });
        }
      },
      openWithText: (text) => load(keyChoiceFromText(text)),
      setPassphrase: (passphrase) => set({ passphrase }),
      async inspect() {
        const { key, passphrase } = get();
        if (!key) return;
        const gen = ++generation;
        set({ inspecting: true, error: null, converted: null, convertError: null });
        try {
          const input = keyInputOf(key);
          const inspection = passphrase ? await getApi().invoke('keys:inspect', input, passphrase) : await getApi().invoke('keys:inspect', input);
          if (gen === generation) set({ inspection, inspecting: false });
        } catch (err) {
          if (gen === generation) set({ inspecting: false, inspection: null, error: errorMessage(err) });
        }
      },
      async convert(to, protection = { kind: 'keep' }) {
        const { key, passphrase } = get();
        if (!key) return;
        const gen = generation;
        set({ converting: to, convertError: null, converted: null });
        const options: { passphrase?: string; newPassphrase?: string; noPassphrase?: boolean } = {};
        if (passphrase) options.passphrase = passphrase;
        if (protection.kind === 'new' && protection.passphrase) options.newPassphrase = protection.passphrase;
        if (protection.kind === 'none') options.noPassphrase = true;
        try {
          const result = await getApi().invoke('keys:convert', keyInputOf(key), to, options);
          if (gen === generation) set({ converting: null, converted: { ...result, to } });
        } catch (err) {
          if (gen === generation) set({ converting: null, convertError: errorMessage(err) });
        }
      },
    };
  });
}

export const keys = createKeyStore(api);
export const useKeys = <T>(selector: (s: KeyState) => T): T => useStore(keys, selector);
