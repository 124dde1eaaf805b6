/**
 * `<user|group>` on the command line → a conversation: `#name` (or a group's exact name, or a conversation id) is a
 * group; anything else is a user name, whose direct conversation is opened (created the first time, if `create`).
 */
import type { ConversationDto, ParleyClient } from '../sdk/index.js';
import { CliError, EXIT } from './exit-codes.js';

export async function resolveConversation(client: ParleyClient, target: string, options: { create: boolean }): Promise<ConversationDto> {
  const me = client.user?.username.toLowerCase();
  const conversations = await client.conversations.list();
  const byId = conversations.find((c) => c.id === target);
  if (byId) return byId;
  const wanted = target.replace(/^#/, '').toLowerCase();
  const groups = conversations.filter((c) => c.kind === 'group' && (c.name ?? '').toLowerCase() === wanted);
  if (groups.length > 1) {
    throw new CliError(EXIT.USAGE, `Several groups are called "${wanted}": name one by its id (\`parley chats --json\`).`);
  }
  if (groups[0]) return groups[0];
  if (target.startsWith('#')) throw new CliError(EXIT.NOT_FOUND, `No group called "${wanted}".`);
  const username = wanted.replace(/^@/, '');
  const direct = username === me ? undefined : conversations.find((c) => c.kind === 'direct' && c.members.some((m) => m.username.toLowerCase() === username));
  if (direct) return direct;
  if (!options.create) throw new CliError(EXIT.NOT_FOUND, `No conversation with ${username}.`);
  return client.conversations.openDirect(username);
}
