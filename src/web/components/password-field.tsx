import { useState } from 'preact/hooks';

interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete: 'current-password' | 'new-password';
  describedBy?: string;
  invalid?: boolean;
}

/** A labelled password input with a Show/Hide toggle (spell-checking off, so nothing is sent to a spelling service). */
export function PasswordField({ id, label, value, onInput, autocomplete, describedBy, invalid }: PasswordFieldProps) {
  const [visible, setVisible] = useState(false);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="password-row">
        <input
          id={id}
          name={id}
          type={visible ? 'text' : 'password'}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
          autocomplete={autocomplete}
          autoCapitalize="off"
          autoCorrect="off"
          spellcheck={false}
          required
          aria-describedby={describedBy}
          aria-invalid={invalid ? 'true' : undefined}
        />
        <button
          type="button"
          class="button button-quiet"
          aria-controls={id}
          aria-pressed={visible}
          onClick={() => setVisible(!visible)}
        >
          {visible ? 'Hide' : 'Show'}
          <span class="visually-hidden"> {label.toLowerCase()}</span>
        </button>
      </div>
    </div>
  );
}
