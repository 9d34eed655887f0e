/**
 * What people type and paste wrong in a password, as pure functions shared by the engine (its one
 * second attempt) and the fix that corrects the form. Never logs or returns anything but the
 * corrected value to its caller.
 *
 * - pasted-characters: text copied from a document or chat carries look-alikes: non-breaking and
 *   narrow spaces, typographic quotes and dashes, invisible zero-width characters, full-width
 *   letters from an input method, a line break copied at the end.
 * - caps-lock: Caps Lock on while typing with Shift for capitals gives "pASSWORD" or "cAPS-lOCK".
 */
export const PASSWORD_IDEAS = ['pasted-characters', 'caps-lock'] as const;
export type PasswordIdea = (typeof PASSWORD_IDEAS)[number];

const LOOK_ALIKES: [RegExp, string][] = [
  [/[\u00a0\u2007\u202f\u2000-\u2006\u2008-\u200a\u3000]/g, ' '],
  [/[\u2018\u2019\u201a\u201b\u2032\u00b4]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/[\u200b-\u200d\u2060\ufeff\u00ad]/g, ''],
  [/\u2026/g, '...'],
];

/** The password as meant, for one idea; null when the idea changes nothing. */
export function passwordVariant(password: string, idea: PasswordIdea): string | null {
  let v = password;
  if (idea === 'pasted-characters') {
    for (const [re, to] of LOOK_ALIKES) v = v.replace(re, to);
    // Full-width ASCII (U+FF01-U+FF5E) from an input method.
    v = v.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    v = v.replace(/[\r\n]+$/, '');
  } else {
    // Caps Lock inverts every letter: the first one small (typed with Shift), most others capital.
    const letters = v.replace(/[^a-zA-Z]/g, '');
    const upper = letters.replace(/[a-z]/g, '').length;
    if (letters.length < 3 || !/^[a-z]/.test(letters) || upper * 2 <= letters.length) return null;
    v = [...v].map((c) => (c >= 'a' && c <= 'z' ? c.toUpperCase() : c >= 'A' && c <= 'Z' ? c.toLowerCase() : c)).join('');
  }
  return v !== password ? v : null;
}

/** The ideas that would change this password, most likely first. */
export function passwordIdeas(password: string): PasswordIdea[] {
  return PASSWORD_IDEAS.filter((idea) => passwordVariant(password, idea) !== null);
}

/** What each idea replaces, in plain words (for evidence and fixes). */
export const PASSWORD_IDEA_WORDS: Record<PasswordIdea, string> = {
  'pasted-characters': 'look-alike characters from a document (non-breaking spaces, curly quotes, long dashes, invisible characters, a line break at the end) replaced by the plain ones',
  'caps-lock': 'upper and lower case swapped, as if Caps Lock had been on',
};
