import type { ContactDto, ContactState } from '../../protocol/contacts.js';

export function presentContact(username: string, state: ContactState, since: number, online: boolean | undefined): ContactDto {
  return {
    username,
    state,
    since: new Date(since).toISOString(),
    ...(state === 'accepted' && online !== undefined ? { online } : {}),
  };
}
