import { memo } from 'preact/compat';
import { Avatar } from './bits.js';
import { ProfileName } from '../profile/profile-name.js';
import { MessageItem } from './message-item.js';
import { messageKey, type GroupRow } from './message-rows.js';

interface GroupProps {
  row: GroupRow;
  /** "Seen by bob", under the group's last message, when this group holds the newest own message others read. */
  seen: string | undefined;
}

function Group({ row, seen }: GroupProps) {
  return (
    <div class={`message-group ${row.own ? 'is-own' : 'is-other'}`}>
      {!row.own && <Avatar name={row.sender} user={row.sender} size="small" />}
      <div class="message-stack">
        {row.own ? <span class="visually-hidden">You:</span> : <p class="message-sender">
            {row.sender}
            <ProfileName username={row.sender} />
          </p>}
        {row.messages.map((m, i) => (
          <MessageItem key={messageKey(m)} message={m} own={row.own} announceSender={i > 0} />
        ))}
        {seen && <p class="seen-by">{seen}</p>}
      </div>
    </div>
  );
}

/** Groups re-render only when their messages change: the log stays fast with thousands of messages. */
export const MessageGroup = memo(
  Group,
  (a, b) =>
    a.seen === b.seen &&
    a.row.sender === b.row.sender &&
    a.row.own === b.row.own &&
    a.row.messages.length === b.row.messages.length &&
    a.row.messages.every((m, i) => m === b.row.messages[i]),
);
