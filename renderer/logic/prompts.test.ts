import { describe, expect, it } from 'vitest';
import { newPasswordProblem } from './prompts';

describe('new password prompts', () => {
  const prompts = [
    { text: 'Current password:', echo: false },
    { text: 'New password:', echo: false },
    { text: 'Retype new password:', echo: false },
  ];
  it('asks for the same new password twice', () => {
    expect(newPasswordProblem('new-password', prompts, ['old', 'new1', 'new2'])).toMatch(/differ/);
    expect(newPasswordProblem('new-password', prompts, ['old', 'new1', 'new1'])).toBeNull();
    expect(newPasswordProblem('new-password', prompts, ['old', 'new1', ''])).toBeNull();
  });
  it('does not compare answers of other questions', () => {
    expect(newPasswordProblem('keyboard-interactive', prompts, ['a', 'b', 'c'])).toBeNull();
  });
});
