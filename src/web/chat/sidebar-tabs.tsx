import type { ComponentChildren } from 'preact';
import { CountBadge } from './bits.js';

export type SidebarTab = 'chats' | 'contacts';

interface TabSpec {
  id: SidebarTab;
  label: string;
  count: number;
  countLabel: string;
}

/** Chats | Contacts, as an ARIA tab list (arrow keys move between the tabs). */
export function SidebarTabs(props: {
  tab: SidebarTab;
  onTab: (tab: SidebarTab) => void;
  unread: number;
  requests: number;
  chats: ComponentChildren;
  contacts: ComponentChildren;
}) {
  const tabs: TabSpec[] = [
    { id: 'chats', label: 'Chats', count: props.unread, countLabel: 'unread' },
    { id: 'contacts', label: 'Contacts', count: props.requests, countLabel: props.requests === 1 ? 'request' : 'requests' },
  ];
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next: SidebarTab = props.tab === 'chats' ? 'contacts' : 'chats';
    props.onTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <>
      <div class="tabs" role="tablist" aria-label="Conversations and contacts" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            class="tab"
            aria-selected={props.tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={props.tab === t.id ? 0 : -1}
            onClick={() => props.onTab(t.id)}
          >
            {t.label}
            <CountBadge count={t.count} label={t.countLabel} />
          </button>
        ))}
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-chats" aria-labelledby="tab-chats" hidden={props.tab !== 'chats'}>
        {props.chats}
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-contacts" aria-labelledby="tab-contacts" hidden={props.tab !== 'contacts'}>
        {props.contacts}
      </div>
    </>
  );
}
