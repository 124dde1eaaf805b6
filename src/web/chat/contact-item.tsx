import { useState } from 'preact/hooks';
import type { ContactDto } from '../../sdk/index.js';
import { Avatar, PresenceDot } from './bits.js';
import { useStore } from './chat-context.js';
import { ProfileName } from '../profile/profile-name.js';
import type { Run } from './run.js';

interface Props {
  contact: ContactDto;
  /** The action in progress in the panel, if any ("accept:bob"). */
  busy: string | undefined;
  run: Run;
  onMessage: (username: string) => Promise<void>;
}

/** A button whose accessible name says whom it acts on ("Accept bob"), while it shows just the verb. */
function ActionButton(props: { verb: string; name: string; kind?: string; disabled: boolean; onClick: () => void }) {
  // "Cancel" reads "Cancel request to bob" to assistive technology.
  const rest = props.verb === 'Cancel' ? `request to ${props.name}` : props.name;
  return (
    <button type="button" class={`button button-small ${props.kind ?? 'button-secondary'}`} disabled={props.disabled} onClick={props.onClick}>
      {props.verb}
      <span class="visually-hidden"> {rest}</span>
    </button>
  );
}

/** One row of the contacts panel; destructive actions ask for confirmation in place. */
export function ContactItem({ contact, busy, run, onMessage }: Props) {
  const store = useStore();
  const name = contact.username;
  const [confirm, setConfirm] = useState<'remove' | 'block'>();
  const disabled = busy !== undefined;
  const act = (verb: string, action: (u: string) => Promise<unknown>) => () => {
    setConfirm(undefined);
    void run(`${verb}:${name}`, () => action(name));
  };

  let actions;
  if (confirm) {
    actions = (
      <>
        <span class="confirm-text">{confirm === 'remove' ? `Remove ${name}?` : `Block ${name}?`}</span>
        <ActionButton
          verb={confirm === 'remove' ? 'Yes, remove' : 'Yes, block'}
          name={name}
          kind="button-danger"
          disabled={disabled}
          onClick={act(confirm, confirm === 'remove' ? (u) => store.social.remove(u) : (u) => store.social.block(u))}
        />
        <button type="button" class="button button-small button-secondary" onClick={() => setConfirm(undefined)}>
          Keep
        </button>
      </>
    );
  } else if (contact.state === 'incoming') {
    actions = (
      <>
        <ActionButton verb="Accept" name={name} kind="button-primary" disabled={disabled} onClick={act('accept', (u) => store.social.accept(u))} />
        <ActionButton verb="Decline" name={name} disabled={disabled} onClick={act('decline', (u) => store.social.decline(u))} />
      </>
    );
  } else if (contact.state === 'outgoing') {
    actions = <ActionButton verb="Cancel" name={name} disabled={disabled} onClick={act('cancel', (u) => store.social.cancel(u))} />;
  } else if (contact.state === 'blocked') {
    actions = <ActionButton verb="Unblock" name={name} disabled={disabled} onClick={act('unblock', (u) => store.social.unblock(u))} />;
  } else {
    actions = (
      <>
        <ActionButton verb="Message" name={name} kind="button-primary" disabled={disabled} onClick={() => void onMessage(name)} />
        <ActionButton verb="Remove" name={name} disabled={disabled} onClick={() => setConfirm('remove')} />
        <ActionButton verb="Block" name={name} kind="button-danger" disabled={disabled} onClick={() => setConfirm('block')} />
      </>
    );
  }

  return (
    <li class="contact-item">
      <Avatar name={name} user={contact.state === 'accepted' ? name : undefined} size="small" />
      <span class="contact-name">
        {name}
        {contact.state === 'accepted' && <ProfileName username={name} />}
        {contact.state === 'accepted' && <PresenceDot online={contact.online ?? false} />}
      </span>
      <span class="contact-actions">{actions}</span>
    </li>
  );
}
