/** The session form: what the user typed, the site it came from, and the form's own fixes. */
import { createStore, useStore } from 'zustand';
import type { Site, SiteSettings } from '../../shared/sites';
import type { ConnectionRequest, Fix, LoginMethod, Protocol } from '../../shared/types';
import {
  emptyForm,
  fromSiteSettings,
  type FormValues,
  type KeyChoice,
  portOnBlur,
  sameTarget,
  toConnectionRequest,
  withAuthMethod,
  withPort,
  withProtocol,
} from '../logic/form';
import { applyFormFix, type FormFixOutcome } from '../logic/formFixes';
import { splitHostInput } from '../../shared/host-input';
import { keyChoiceFromBytes } from '../logic/keyFile';

type TextField = 'host' | 'user' | 'password' | 'keepaliveSeconds' | 'timeoutSeconds' | 'knownHostsPath' | 'startPath' | 'holdSeconds' | 'proxyHost' | 'proxyPort' | 'proxyUser' | 'proxyPassword' | 'jumpHosts' | 'jumpPassword';
type BoolField = 'useAgent' | 'identitiesOnly' | 'writeTest';

export interface FormState {
  values: FormValues;
  /** The saved site shown in the form, if any. */
  siteId: string | null;
  siteSettings: SiteSettings | null;
  siteHasPassword: boolean;
  /** Said after a paste was split into fields, or a fix changed the form. */
  notice: string | null;
  keyError: string | null;
  /** Bumped when the form is replaced as a whole, so inputs can refocus. */
  generation: number;
  setText(field: TextField, value: string): void;
  setBool(field: BoolField, value: boolean): void;
  setProtocol(protocol: Protocol): void;
  setPort(port: string): void;
  blurPort(): void;
  setLegacy(algorithms: string[]): void;
  setAuthMethod(method: LoginMethod, on: boolean): void;
  setRsaSignature(algorithm: FormValues['rsaSignature']): void;
  setProxyType(type: FormValues['proxyType']): void;
  /** Pasted text in the host field: split it into fields when it is a URL. Returns whether it did. */
  pasteHost(text: string, selectionStart: number, selectionEnd: number): boolean;
  setKey(key: KeyChoice | null): void;
  loadKeyFile(file: Blob & { name: string }): Promise<void>;
  loadSite(site: Site): void;
  newSite(): void;
  clearNotice(): void;
  /** The request to send; the site id only when the form still targets that site. */
  request(): ConnectionRequest;
  applyFix(fix: Fix): FormFixOutcome;
}

export function createFormStore() {
  return createStore<FormState>()((set, get) => ({
    values: emptyForm(),
    siteId: null,
    siteSettings: null,
    siteHasPassword: false,
    notice: null,
    keyError: null,
    generation: 0,
    setText: (field, value) => set((s) => ({ values: { ...s.values, [field]: value } })),
    setBool: (field, value) => set((s) => ({ values: { ...s.values, [field]: value } })),
    setProtocol: (protocol) => set((s) => ({ values: withProtocol(s.values, protocol) })),
    setPort: (port) => set((s) => ({ values: withPort(s.values, port) })),
    blurPort: () => set((s) => ({ values: portOnBlur(s.values) })),
    setProxyType: (proxyType) => set((s) => ({ values: { ...s.values, proxyType } })),
    setAuthMethod: (method, on) => set((s) => ({ values: withAuthMethod(s.values, method, on) })),
    setRsaSignature: (rsaSignature) => set((s) => ({ values: { ...s.values, rsaSignature } })),
    setLegacy: (algorithms) => set((s) => ({ values: { ...s.values, legacyAlgorithms: [...new Set(algorithms)] } })),
    pasteHost(text, selectionStart, selectionEnd) {
      const current = get().values.host;
      // Only when the paste replaces the whole field (or the field is empty): never mangle a partial edit.
      if (current.length > 0 && !(selectionStart === 0 && selectionEnd === current.length)) return false;
      const split = splitHostInput(text);
      if (!split) return false;
      set((s) => {
        let v = { ...s.values, host: split.host };
        const told: string[] = [`host ${split.host}`];
        if (split.protocol) {
          v = withProtocol(v, split.protocol);
          told.push(`protocol ${split.protocol.toUpperCase()}`);
        }
        if (split.port) {
          v = withPort(v, split.port);
          told.push(`port ${split.port}`);
        }
        if (split.user !== undefined) {
          v.user = split.user;
          told.push(`user ${split.user}`);
        }
        if (split.password !== undefined) {
          v.password = split.password;
          told.push('the password');
        }
        if (split.startPath) {
          v.startPath = split.startPath;
          told.push(`start folder ${split.startPath}`);
        }
        const notice = `The pasted address was split into its fields: ${told.join(', ')}.${split.note ? ` ${split.note}` : ''}`;
        return { values: v, notice };
      });
      return true;
    },
    setKey: (key) => set((s) => ({ values: { ...s.values, key }, keyError: null })),
    async loadKeyFile(file) {
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const choice = keyChoiceFromBytes(file.name, bytes);
        if ('error' in choice) set({ keyError: choice.error });
        else if (choice.source === 'content' && choice.text === undefined) {
          // Binary files (SSH-1 keys) cannot go into a connection as they are.
          set({ keyError: `"${file.name}" is a binary file, probably an old SSH-1 key. Open it in the key inspector (Tools) to see what it is and convert it.` });
        } else set((s) => ({ values: { ...s.values, key: choice }, keyError: null }));
      } catch {
        set({ keyError: `"${file.name}" could not be read. Check that the file still exists and that you may read it.` });
      }
    },
    loadSite(site) {
      set((s) => ({
        values: fromSiteSettings(site.settings),
        siteId: site.id,
        siteSettings: site.settings,
        siteHasPassword: site.hasSavedPassword,
        notice: null,
        keyError: null,
        generation: s.generation + 1,
      }));
    },
    newSite() {
      set((s) => ({ values: emptyForm(), siteId: null, siteSettings: null, siteHasPassword: false, notice: null, keyError: null, generation: s.generation + 1 }));
    },
    clearNotice: () => set({ notice: null }),
    request() {
      const { values, siteId, siteSettings } = get();
      const useSite = siteId !== null && siteSettings !== null && sameTarget(values, siteSettings);
      return toConnectionRequest(values, useSite ? siteId : undefined);
    },
    applyFix(fix) {
      const out = applyFormFix(get().values, fix);
      if (out.ok) set({ values: out.values, notice: `Applied "${fix.label}": ${out.changes.join('; ')}.` });
      return out;
    },
  }));
}

export const form = createFormStore();
export const useForm = <T>(selector: (s: FormState) => T): T => useStore(form, selector);
