/**
 * OpenSSH's host PATTERNS (ssh_config Host lines, known_hosts host fields): "*" any run, "?"
 * exactly one character, case-insensitive. Iterative with one backtrack point (the last "*"), so
 * a pattern like "*a*a*a*b" costs O(n x m), never the exponential time a regular expression built
 * from the pattern can take. Pure: used by the ssh config import and the known_hosts store.
 */
export function sshPatternMatch(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < n.length) {
    if (j < p.length && (p[j] === '?' || p[j] === n[i])) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}
