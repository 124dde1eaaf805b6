/**
 * An on/off setting: a checkbox with the `switch` role, its label and a hint that describes it. Used by Settings →
 * Notifications and Settings → Privacy.
 */
export function Switch(props: { id: string; label: string; hint: string; checked: boolean; disabled?: boolean; onToggle: (on: boolean) => void }) {
  return (
    <div class="switch-row">
      <input
        id={props.id}
        type="checkbox"
        role="switch"
        class="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => props.onToggle(e.currentTarget.checked)}
      />
      <div>
        <label for={props.id}>{props.label}</label>
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      </div>
    </div>
  );
}
