/**
 * One labelled text (or password) field of the form's panels: label, input and whatever goes under
 * it (help, a problem), in the layout and with the ARIA wiring every field uses.
 */
import type { ReactNode } from 'react';

export interface TextFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'password';
  inputMode?: 'numeric' | 'decimal' | undefined;
  placeholder?: string | undefined;
  disabled?: boolean | undefined;
  /** Takes the free width of its row. */
  grow?: boolean;
  mono?: boolean;
  /** Marks the value as wrong (aria-invalid). */
  invalid?: boolean | undefined;
  /** Ids of the texts that describe the field (help, problem), space-separated. */
  describedBy?: string | undefined;
  /** Under the input, inside the field: help or a problem. */
  children?: ReactNode;
}

export function TextField({ id, label, value, onChange, type = 'text', inputMode, placeholder, disabled, grow = false, mono = false, invalid, describedBy, children }: TextFieldProps) {
  return (
    <div className={grow ? 'field grow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        className={mono ? 'mono' : undefined}
        inputMode={inputMode}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        disabled={disabled}
        value={value}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {children}
    </div>
  );
}
