import { useEffect, useState } from 'preact/hooks';
import { checkPasswordStrength, PASSWORD_MIN_LENGTH, type PasswordStrength } from '../../sdk/index.js';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export interface StrengthState {
  /** The latest result (possibly for an earlier keystroke while a check runs). */
  strength: PasswordStrength | undefined;
  /** True when `strength` is for the current password and it is strong enough. */
  acceptable: boolean;
}

/**
 * Loads the dictionaries (~1.2 MB, a chunk of their own) ahead of the first check: the sign-up page calls it when its
 * form is first used; elsewhere (the password change) they load with the first keystroke of the new password.
 */
export function warmUpStrengthChecker(): void {
  void checkPasswordStrength('warm-up-the-checker').catch(() => undefined);
}

/** Runs the SDK's strength check (zxcvbn, loaded on first use) live as the password changes. */
export function usePasswordStrength(password: string, userInputs: string[]): StrengthState {
  const inputsKey = userInputs.join('\n');
  const key = `${inputsKey}\n${password}`;
  const [result, setResult] = useState<{ key: string; strength: PasswordStrength }>();

  useEffect(() => {
    if (!password) {
      setResult(undefined);
      return;
    }
    let live = true;
    checkPasswordStrength(password, inputsKey ? inputsKey.split('\n') : []).then(
      (strength) => {
        if (live) setResult({ key, strength });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [password, inputsKey, key]);

  const strength = password ? result?.strength : undefined;
  return { strength, acceptable: result?.key === key && result.strength.acceptable };
}

/** A five-step bar (decorative) and its text (read by screen readers through aria-describedby and a live region). */
export function StrengthMeter({ id, strength }: { id: string; strength: PasswordStrength | undefined }) {
  const score = strength?.score;
  return (
    <div class="strength">
      <div class="strength-bar" data-score={score ?? 'none'} aria-hidden="true">
        <span />
        <span />
        <span />
        <span />
        <span />
      </div>
      <p id={id} class="strength-text" aria-live="polite">
        {strength && score !== undefined ? (
          <>
            <strong>Strength: {LABELS[score]}</strong> ({score} of 4).{' '}
            {strength.acceptable ? 'Strong enough.' : 'Not strong enough yet.'}
            {strength.feedback === 'Strong password.' ? '' : ` ${strength.feedback}`}
          </>
        ) : (
          `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a strong password.`
        )}
      </p>
    </div>
  );
}
