import { acceptContact, cancelContactRequest, declineContact } from '../commands/contacts/respond-to-request.js';
import { blockUser, removeContact, unblockUser } from '../commands/contacts/remove-contact.js';
import { listContacts } from '../commands/contacts/list-contacts.js';
import { requestContact } from '../commands/contacts/request-contact.js';
import { createGroup } from '../commands/conversations/create-group.js';
import { addMember, leaveConversation, removeMember, setRole } from '../commands/conversations/manage-members.js';
import { openDirect } from '../commands/conversations/open-direct.js';
import { getConversation, listConversations, renameGroup } from '../commands/conversations/rename-and-list.js';
import { lookupDirectory, listDevices, registerDevice, removeDevice } from '../commands/e2e/devices.js';
import { getIdentity, publishIdentity } from '../commands/e2e/identity.js';
import { claimKeyPackages, publishKeyPackages } from '../commands/e2e/key-packages.js';
import { getVaultKey, listVaultRecords, putVaultRecords, setVaultKey } from '../commands/vault.js';
import { ackWelcomes, getGroupInfo, initGroup, listWelcomes } from '../commands/e2e/mls-groups.js';
import { deleteMessage, editMessage } from '../commands/messages/change-message.js';
import { history, markRead, messagesSince } from '../commands/messages/read-messages.js';
import { sendMessage } from '../commands/messages/send-pipeline.js';
import type { Deps } from '../deps.js';
import { accessConversation } from '../commands/access.js';
import { assertCanType } from '../policies/conversations.js';
import { presentUser } from '../presenters/user.js';
import { EventRouter, type SocketData } from './event-adapter.js';
import { conversationRoom, userRoom } from './rooms.js';
import { setDisappearing } from '../commands/conversations/set-disappearing.js';
import { getPrivacy, setPrivacy, typingAudienceOf } from '../commands/privacy.js';

const TYPING_EVERY_MS = 2_000;

/** Every client event → its command, once per server. Thin: validation, auth and acks live in EventRouter. */
export function buildEventRouter(deps: Deps): EventRouter {
  const router = new EventRouter(deps);
  const on: EventRouter['on'] = (event, handler) => router.on(event, handler);

  on('whoami', (a) => Promise.resolve({ user: presentUser(a.user), sessionId: a.session.id }));

  on('contacts:list', async (a) => ({ contacts: await listContacts(deps, a) }));
  on('contacts:request', async (a, i) => ({ contact: await requestContact(deps, a, i.username) }));
  on('contacts:accept', async (a, i) => ({ contact: await acceptContact(deps, a, i.username) }));
  on('contacts:decline', async (a, i) => ({ contact: await declineContact(deps, a, i.username) }));
  on('contacts:cancel', async (a, i) => ({ contact: await cancelContactRequest(deps, a, i.username) }));
  on('contacts:remove', async (a, i) => ({ contact: await removeContact(deps, a, i.username) }));
  on('contacts:block', async (a, i) => ({ contact: await blockUser(deps, a, i.username) }));
  on('contacts:unblock', async (a, i) => ({ contact: await unblockUser(deps, a, i.username) }));

  on('conversations:list', async (a) => ({ conversations: await listConversations(deps, a) }));
  on('conversations:get', async (a, i) => ({ conversation: await getConversation(deps, a, i.conversationId) }));
  on('conversations:openDirect', async (a, i) => ({ conversation: await openDirect(deps, a, i.username) }));
  on('conversations:createGroup', async (a, i) => ({ conversation: await createGroup(deps, a, i.name, i.usernames) }));
  on('conversations:addMember', async (a, i) => ({ conversation: await addMember(deps, a, i.conversationId, i.username) }));
  on('conversations:removeMember', async (a, i) => ({
    conversation: await removeMember(deps, a, i.conversationId, i.username),
  }));
  on('conversations:setRole', async (a, i) => ({ conversation: await setRole(deps, a, i.conversationId, i.username, i.role) }));
  on('conversations:rename', async (a, i) => ({ conversation: await renameGroup(deps, a, i.conversationId, i.name) }));
  on('conversations:leave', async (a, i) => {
    await leaveConversation(deps, a, i.conversationId);
    return { ok: true as const };
  });

  on('messages:send', async (a, i) => ({ message: await sendMessage(deps, a, i) }));
  on('messages:edit', async (a, i) => ({ message: await editMessage(deps, a, i.messageId, i.contentType, i.body) }));
  on('messages:delete', async (a, i) => ({ message: await deleteMessage(deps, a, i.messageId) }));
  on('messages:history', (a, i) => history(deps, a, i.conversationId, i.before, i.limit));
  on('messages:after', (a, i) => messagesSince(deps, a, i.conversationId, i.after, i.limit));
  on('messages:read', (a, i) => markRead(deps, a, i.conversationId, i.seq));

  // End-to-end encryption: directory and MLS delivery service. Commits and ciphertext travel through messages:send.
  on('identity:publish', async (a, i) => ({ identity: await publishIdentity(deps, a, i) }));
  on('identity:get', (a) => getIdentity(deps, a));
  on('devices:register', async (a, i) => ({ device: await registerDevice(deps, a, i) }));
  on('devices:list', (a, i) => listDevices(deps, a, i.username));
  on('devices:remove', async (a, i) => ({ device: await removeDevice(deps, a, i.deviceId) }));
  on('directory:lookup', (a, i) => lookupDirectory(deps, a, i.username));
  on('keyPackages:publish', (a, i) => publishKeyPackages(deps, a, i));
  on('keyPackages:claim', (a, i) => claimKeyPackages(deps, a, i.usernames, i.devices));
  on('mls:init', (a, i) => initGroup(deps, a, i.conversationId, i.groupInfo));
  on('mls:groupInfo', (a, i) => getGroupInfo(deps, a, i.conversationId));
  on('mls:welcomes', async (a, i) => ({ welcomes: await listWelcomes(deps, a, i.deviceId) }));
  on('mls:ackWelcomes', async (a, i) => {
    await ackWelcomes(deps, a, i.deviceId, i.ids);
    return { ok: true as const };
  });

  // The history vault: the user's own sealed history, for their other browsers.
  on('vault:key:get', (a) => getVaultKey(deps, a));
  on('vault:key:set', (a, i) => setVaultKey(deps, a, i));
  on('vault:put', (a, i) => putVaultRecords(deps, a, i));
  on('vault:list', (a, i) => listVaultRecords(deps, a, i));

  // Disappearing messages and the privacy switches.
  on('conversations:setDisappearing', async (a, i) => ({ conversation: await setDisappearing(deps, a, i.conversationId, i.seconds) }));
  on('privacy:get', (a) => getPrivacy(deps, a));
  on('privacy:set', (a, i) => setPrivacy(deps, a, i));

  // Typing is ephemeral: authorized, throttled per socket and conversation, never stored.
  on('typing', async (a, i, socket) => {
    assertCanType(await accessConversation(deps.db, a, i.conversationId));
    const audience = await typingAudienceOf(deps, a.user.id, i.conversationId);
    if (!audience.relay) return { ok: true as const };
    const now = Date.now();
    const data = socket.data as SocketData;
    const lastTyping = (data.lastTyping ??= new Map<string, number>());
    if (now - (lastTyping.get(i.conversationId) ?? 0) >= TYPING_EVERY_MS) {
      lastTyping.set(i.conversationId, now);
      socket.to(conversationRoom(i.conversationId)).except(audience.withheldFrom.map(userRoom)).emit('typing', { conversationId: i.conversationId, username: a.user.username });
    }
    return { ok: true as const };
  });
  router.assertComplete();
  return router;
}
