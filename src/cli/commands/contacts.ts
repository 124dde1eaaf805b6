/** contacts [list], request, accept, decline, cancel, block, unblock, remove; chats. */
import type { Command } from 'commander';
import type { ContactDto, ParleyClient } from '../../sdk/index.js';
import type { CliContext } from '../context.js';
import { colours as c, conversationName, line, printJson, time } from '../output.js';

const STATE_LABEL: Record<ContactDto['state'], string> = {
  accepted: 'contact',
  incoming: 'asks to be your contact (parley contacts accept NAME)',
  outgoing: 'request sent',
  blocked: 'blocked',
  none: 'none',
};

function contactLine(contact: ContactDto): string {
  const dot = contact.online === undefined ? ' ' : contact.online ? c.green('●') : c.dim('○');
  return `${dot} ${c.bold(contact.username)}  ${contact.state === 'incoming' ? c.yellow(STATE_LABEL.incoming) : STATE_LABEL[contact.state]}`;
}

type Action = (client: ParleyClient, username: string) => Promise<ContactDto>;

const ACTIONS: [name: string, description: string, act: Action][] = [
  ['request', 'ask a user to be your contact', (cl, u) => cl.contacts.request(u)],
  ['accept', "accept a user's contact request", (cl, u) => cl.contacts.accept(u)],
  ['decline', "decline a user's contact request (they are not told)", (cl, u) => cl.contacts.decline(u)],
  ['cancel', 'withdraw your contact request', (cl, u) => cl.contacts.cancel(u)],
  ['remove', 'end a contact, both ways', (cl, u) => cl.contacts.remove(u)],
  ['block', 'block a user: no requests, direct messages or presence from them', (cl, u) => cl.contacts.block(u)],
  ['unblock', 'lift your block', (cl, u) => cl.contacts.unblock(u)],
];

export function contactCommands(program: Command, context: () => Promise<CliContext>): void {
  const contacts = program.command('contacts').description('your contacts and contact requests');
  contacts
    .command('list', { isDefault: true })
    .description('contacts, requests both ways, and users you blocked')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const opened = await (await context()).sessionOnly();
      const list = await opened.client.contacts.list();
      await opened.close();
      if (opts.json) printJson(list);
      else if (list.length === 0) line(c.dim('No contacts yet: parley contacts request NAME'));
      else list.forEach((x) => line(contactLine(x)));
    });
  for (const [name, description, act] of ACTIONS) {
    contacts
      .command(name)
      .description(description)
      .argument('<username>', 'the other user')
      .option('--json', 'print the new state as JSON')
      .action(async (username: string, opts: { json?: boolean }) => {
        const opened = await (await context()).sessionOnly();
        const contact = await act(opened.client, username);
        await opened.close();
        if (opts.json) printJson(contact);
        else line(contactLine(contact));
      });
  }

  program
    .command('chats')
    .description('your conversations, most recent first, with unread counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const opened = await (await context()).sessionOnly();
      const list = await opened.client.conversations.list();
      await opened.close();
      const me = opened.profile.username;
      if (opts.json) {
        printJson(list.map((x) => ({ ...x, title: conversationName(x, me) })));
        return;
      }
      if (list.length === 0) line(c.dim('No conversations yet: parley send NAME "hello"'));
      for (const x of list) {
        const unread = x.unread > 0 ? c.bold(c.yellow(` ${x.unread} unread`)) : '';
        line(`${c.bold(conversationName(x, me))}${unread}  ${c.dim(`${x.members.length} members · ${time(x.lastActivityAt)}`)}`);
      }
    });
}
