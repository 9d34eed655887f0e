import { describe, expect, it } from 'vitest';
import { createFormStore } from './formStore';

describe('form store', () => {
  it('splits a URL pasted into the empty host field into the fields, on the spot', () => {
    const f = createFormStore();
    expect(f.getState().pasteHost('sftp://bob@files.example:2222/in', 0, 0)).toBe(true);
    expect(f.getState().values).toMatchObject({ host: 'files.example', user: 'bob', port: '2222', portEdited: true, startPath: '/in' });
    expect(f.getState().notice).toMatch(/split into its fields/);
  });

  it('leaves a paste into the middle of a typed host alone', () => {
    const f = createFormStore();
    f.getState().setText('host', 'files.');
    expect(f.getState().pasteHost('bob@example.com', 6, 6)).toBe(false);
    // Replacing the whole field is a fresh paste again.
    expect(f.getState().pasteHost('bob@example.com', 0, 6)).toBe(true);
    expect(f.getState().values).toMatchObject({ host: 'example.com', user: 'bob' });
  });

  it('keeps the port on the protocol default until the user edits it', () => {
    const f = createFormStore();
    f.getState().setProtocol('scp');
    expect(f.getState().values.port).toBe('22');
    f.getState().setPort('2022');
    f.getState().setProtocol('sftp');
    expect(f.getState().values.port).toBe('2022');
  });

  it('applies a form fix and says what changed', () => {
    const f = createFormStore();
    f.getState().setText('user', ' bob ');
    const out = f.getState().applyFix({ id: 'trim-whitespace', label: 'Remove the spaces', description: '', risk: 'safe', kind: 'form', params: { fields: ['user'] } });
    expect(out.ok).toBe(true);
    expect(f.getState().values.user).toBe('bob');
    expect(f.getState().notice).toMatch(/Remove the spaces/);
  });

  it('refuses a binary key file in the form and points to the key inspector', async () => {
    const f = createFormStore();
    const file = Object.assign(new Blob([new Uint8Array([0x53, 0x53, 0x48, 0, 1, 2])]), { name: 'identity' });
    await f.getState().loadKeyFile(file);
    expect(f.getState().values.key).toBeNull();
    expect(f.getState().keyError).toMatch(/key inspector/);
    const text = Object.assign(new Blob(['-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n']), { name: 'id_ed25519' });
    await f.getState().loadKeyFile(text);
    expect(f.getState().values.key).toMatchObject({ source: 'content', name: 'id_ed25519' });
  });
});
