import { PasswordField } from './password-field.js';
import { StrengthMeter, type StrengthState } from './strength-meter.js';

export interface NewPasswordFieldsProps {
  /** The element ids: the password, its strength meter, the confirmation and its hint. */
  ids: { password: string; strength: string; confirm: string; confirmHint: string };
  labels: { password: string; confirm: string };
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  strength: StrengthState;
  /** What the confirmation's hint says while it matches (or is empty). */
  confirmHint: string;
}

/**
 * A new password typed twice, with its strength meter and a hint that turns into an error when the two differ: the one
 * shape sign-up, recovery and the password change share.
 */
export function NewPasswordFields({ ids, labels, password, confirm, onPassword, onConfirm, strength, confirmHint }: NewPasswordFieldsProps) {
  const mismatch = confirm.length > 0 && confirm !== password;
  return (
    <>
      <PasswordField id={ids.password} label={labels.password} value={password} onInput={onPassword} autocomplete="new-password" describedBy={ids.strength} />
      <StrengthMeter id={ids.strength} strength={strength.strength} />
      <PasswordField
        id={ids.confirm}
        label={labels.confirm}
        value={confirm}
        onInput={onConfirm}
        autocomplete="new-password"
        describedBy={ids.confirmHint}
        invalid={mismatch}
      />
      <p id={ids.confirmHint} class={mismatch ? 'hint hint-error' : 'hint'}>
        {mismatch ? 'The passwords do not match.' : confirmHint}
      </p>
    </>
  );
}
