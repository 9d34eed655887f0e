import { inspect } from 'node:util';

/**
 * A value that must never be logged, serialised or shown: passwords, passphrases,
 * keyboard-interactive answers, private key text. It prints as "[secret]" everywhere
 * (String(), JSON.stringify, console.log, util.inspect); only reveal() gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  static from(value: string | undefined | null): Secret | undefined {
    return value === undefined || value === null || value === '' ? undefined : new Secret(value);
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  /** Leading or trailing white space, without revealing anything else. */
  hasOuterWhitespace(): boolean {
    return this.#value !== this.#value.trim();
  }

  trimmed(): Secret {
    return new Secret(this.#value.trim());
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
