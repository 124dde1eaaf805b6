/**
 * The end of a randomized run: every device brought online and caught up, then every device's history of every
 * conversation its user is in compared with the ground truth and with every other device's. A decryption error is
 * required (not spurious) only when no device of the user could read the message: it was sent before the user's
 * devices were in the group (before the first message the user sent or read since joining). Everything else is a
 * spurious UTD.
 */
import { UNDECRYPTABLE, type Message } from '../../src/sdk/index.js';
import type { Device, User, World } from './utd-world.js';

/** The reasons that may be required by the cryptography (each says which). */
const REQUIRED_REASONS = new Set<string>([UNDECRYPTABLE.notJoined, UNDECRYPTABLE.removed]);

export interface UtdReport {
  devices: number;
  conversations: number;
  /** Messages checked, summed over devices. */
  messagesChecked: number;
  spuriousUtd: number;
  requiredUtd: number;
  divergences: number;
  /** The first problems, for the log. */
  problems: string[];
}

interface Entry {
  id: string;
  seq: number;
  state: string;
  error: string | null;
}

const stateOf = (m: Message) =>
  m.deleted ? 'deleted' : m.decryptionError !== null ? `error: ${m.decryptionError}` : `text: ${m.text}${m.editedAt ? ` (edited ${m.editedAt})` : ''}`;

/** The whole history of a conversation as a device shows it, by sequence number. */
async function viewOf(device: Device, conversationId: string): Promise<Map<number, Entry>> {
  const view = new Map<number, Entry>();
  let before: number | undefined;
  for (;;) {
    const page = await device.client!.messages.page(conversationId, { limit: 100, ...(before !== undefined ? { before } : {}) });
    for (const m of page.messages) view.set(m.seq, { id: m.id, seq: m.seq, state: stateOf(m), error: m.deleted ? null : m.decryptionError });
    before = page.messages[0]?.seq;
    if (!page.hasMore || before === undefined) return view;
  }
}

/** Every device online, every member's devices in the groups (a last message each), every vault copy uploaded. */
export async function settle(world: World): Promise<void> {
  for (const d of world.devices.filter((x) => x.client === undefined)) await world.open(d);
  // A device restored from the vault at the very end: it has read nothing itself.
  await world.newDevice('bob');
  for (const conversationId of [world.group, world.direct]) {
    const alice = world.online().find((d) => d.user === 'alice')!;
    const before = world.sent.size;
    await world.send({ device: alice, conversationId });
    const last = [...world.sent.values()].at(-1);
    if (world.sent.size === before || !last) throw new Error('the closing message was not sent');
    const readers = world.online().filter((d) => world.membersOf(conversationId).has(d.user));
    for (const d of readers) await waitFor(() => d.seen.has(last.id) || d.known.has(last.id), `${d.name} reads the closing message`);
  }
  // Each device catches up on everything (history decodes what it has not), then uploads its copies.
  for (const d of world.online()) for (const c of conversationsOf(world, d.user)) await viewOf(d, c);
  for (const d of world.online()) await world.vaultSettled(d);
}

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !predicate(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!predicate()) throw new Error(`timed out: ${what}`);
}

const conversationsOf = (world: World, user: User) => [world.group, world.direct].filter((c) => world.membersOf(c).has(user));

export async function check(world: World): Promise<UtdReport> {
  const report: UtdReport = { devices: world.online().length, conversations: 2, messagesChecked: 0, spuriousUtd: 0, requiredUtd: 0, divergences: 0, problems: [] };
  const problem = (kind: 'spurious' | 'divergence', text: string) => {
    if (kind === 'spurious') report.spuriousUtd++;
    else report.divergences++;
    if (report.problems.length < 30) report.problems.push(`${kind}: ${text}`);
  };
  for (const conversationId of [world.group, world.direct]) {
    const readers = world.online().filter((d) => world.membersOf(conversationId).has(d.user));
    const views = new Map<Device, Map<number, Entry>>();
    for (const d of readers) views.set(d, await viewOf(d, conversationId));
    // The first message each user read or sent since joining: after it, every message is the user's to read.
    const firstReadable = new Map<User, number>();
    for (const [d, view] of views) {
      const start = Math.min(...[...view.keys()], Infinity) - 1;
      for (const e of view.values()) {
        const sentBy = world.sent.get(e.id)?.sender;
        const readable = e.state.startsWith('text: ') || (sentBy === d.user && e.seq > start);
        if (readable && e.seq < (firstReadable.get(d.user) ?? Infinity)) firstReadable.set(d.user, e.seq);
      }
    }
    const required = (d: Device, e: Entry) => e.error !== null && REQUIRED_REASONS.has(e.error) && e.seq < (firstReadable.get(d.user) ?? Infinity);
    for (const [d, view] of views) {
      for (const e of view.values()) {
        report.messagesChecked++;
        const where = `${d.name} seq ${e.seq}`;
        if (e.error !== null) {
          if (required(d, e)) report.requiredUtd++;
          else problem('spurious', `${where}: ${e.error}`);
          continue;
        }
        const truth = world.sent.get(e.id);
        if (!truth) {
          if (!(e.state.startsWith('text: ') && world.maybeSent.has(e.state.slice(6)))) problem('divergence', `${where}: not sent: ${e.state}`);
          continue;
        }
        if (e.state === 'deleted') {
          if (truth.deleted === false) problem('divergence', `${where}: deleted, but never deleted`);
        } else if (truth.deleted === true) {
          problem('divergence', `${where}: deleted, but shows ${e.state}`);
        } else if (![...truth.texts].some((t) => e.state === `text: ${t}` || e.state.startsWith(`text: ${t} (edited `))) {
          problem('divergence', `${where}: shows ${e.state}, expected one of ${[...truth.texts].join(' | ')}`);
        }
      }
    }
    // Every two devices agree on what both show (required errors aside); devices of one user show the same span.
    const all = [...views];
    for (const [a, va] of all) {
      for (const [b, vb] of all) {
        if (a.name >= b.name) continue;
        if (a.user === b.user && [...va.keys()].join() !== [...vb.keys()].join()) problem('divergence', `${a.name} and ${b.name} show different spans`);
        for (const [seq, ea] of va) {
          const eb = vb.get(seq);
          if (!eb || required(a, ea) || required(b, eb) || ea.error !== null || eb.error !== null) continue;
          if (ea.state !== eb.state) problem('divergence', `seq ${seq}: ${a.name} shows ${ea.state}; ${b.name} shows ${eb.state}`);
        }
      }
    }
  }
  return report;
}
