import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationDto, ParleyClient } from '../../src/sdk/index.js';
import { browserOrigin, chatPassword, chatUser, describeBrowser, expectHeading, goToSettings, launchChromium, type ChatUser } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { signedIn } from '../support/users.js';
import type { Browser } from 'playwright-core';

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** Records every notification the page asks for (through the service worker's registration or `Notification`). */
function recordNotifications() {
  const w = window as unknown as { __shown: Shown[] };
  w.__shown = [];
  const record = (title: string, options?: NotificationOptions) =>
    w.__shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
  const prototype = ServiceWorkerRegistration.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'showNotification')?.value as (
    this: ServiceWorkerRegistration,
    title: string,
    options?: NotificationOptions,
  ) => Promise<void>;
  prototype.showNotification = function (this: ServiceWorkerRegistration, title: string, options?: NotificationOptions) {
    record(title, options);
    return original.call(this, title, options).catch(() => undefined);
  };
  const Original = window.Notification;
  class Recorded extends Original {
    constructor(title: string, options?: NotificationOptions) {
      record(title, options);
      super(title, options);
    }
  }
  window.Notification = Recorded;
}

interface PushOutcome {
  notes: { title: string; body: string; data: unknown }[];
  pushes: number;
  record: string[];
}
interface RecordingScope {
  __pushes: number;
  __record: string[];
  addEventListener(type: 'push', listener: () => void): void;
}

/** In the service worker: counts the pushes its handlers get and records what showNotification did with them. */
function recordPushes() {
  const scope = self as unknown as RecordingScope;
  scope.__pushes = 0;
  scope.__record = [];
  const note = (line: string) => scope.__record.push(`${new Date().toISOString().slice(17, 23)} ${line}`);
  scope.addEventListener('push', () => {
    scope.__pushes += 1;
    note('push');
  });
  const prototype = ServiceWorkerRegistration.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'showNotification')?.value as (
    this: ServiceWorkerRegistration,
    title: string,
    options?: NotificationOptions,
  ) => Promise<void>;
  prototype.showNotification = async function (this: ServiceWorkerRegistration, title: string, options?: NotificationOptions) {
    note(`showNotification(${title}, ${options?.tag ?? ''})`);
    try {
      await original.call(this, title, options);
      note('shown');
    } catch (err) {
      note(`refused: ${String(err)}`);
      throw err;
    }
  };
}

/** In the service worker: waits up to 20 s for a notification with this tag. */
async function awaitPushNotification(tag: string): Promise<PushOutcome> {
  const scope = self as unknown as RecordingScope & { registration: ServiceWorkerRegistration };
  for (let i = 0; i < 400; i += 1) {
    const found = await scope.registration.getNotifications({ tag });
    if (found.length > 0) {
      return { notes: found.map((n) => ({ title: n.title, body: n.body, data: n.data as unknown })), pushes: scope.__pushes, record: scope.__record };
    }
    if (i >= 100 && scope.__pushes === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const open = (await scope.registration.getNotifications()).map((n) => n.tag);
  return { notes: [], pushes: scope.__pushes, record: [...scope.__record, `open: ${open.join(', ') || 'none'}`] };
}

const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);

async function waitForShown(page: Page, match: Partial<Shown>): Promise<void> {
  await page.waitForFunction(
    (m) => (window as unknown as { __shown: Shown[] }).__shown.some((s) => Object.entries(m).every(([k, v]) => s[k as keyof Shown] === v)),
    match,
  );
}

describeBrowser('notifications: desktop, mute, and Web Push through the service worker', () => {
  let t: TestServer;
  let browser: Browser;
  let bob: ChatUser;
  let alice: ParleyClient;
  let carol: ParleyClient;
  let bobElsewhere: ParleyClient;
  let withAlice: ConversationDto;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'carol')]);
    bob = await chatUser(browser, t, 'bob');
    await bob.context.grantPermissions(['notifications'], { origin: browserOrigin(t) });
    await bob.context.addInitScript(recordNotifications);
    // bob's second device (another session) accepts the contacts and later mutes from there.
    bobElsewhere = t.client();
    await bobElsewhere.login('bob', chatPassword('bob'));
    await bobElsewhere.connect();
    await alice.contacts.request('bob');
    await carol.contacts.request('bob');
    await bobElsewhere.contacts.accept('alice');
    await bobElsewhere.contacts.accept('carol');
    withAlice = await alice.conversations.openDirect('bob');
  }, 60_000);
  afterAll(async () => {
    for (const c of [alice, carol, bobElsewhere]) c?.close();
    await browser?.close();
    await t?.close();
  });

  it('shows a notification for a message while no conversation of it is open, once the switch is on; none when muted', async () => {
    const page = bob.page;
    await page.reload();
    await expectHeading(page, 'Conversations', { focused: false });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    await goToSettings(page);
    const desktop = page.getByRole('switch', { name: 'Desktop notifications' });
    await desktop.check();
    expect(await desktop.isChecked()).toBe(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
    await expectHeading(page, 'Conversations');

    await alice.messages.send(withAlice.id, 'the eagle has landed');
    await waitForShown(page, { title: 'alice', body: 'the eagle has landed', tag: `parley:${withAlice.id}` });

    // Muted on bob's other device: this page learns it from the server (the `conversation` event, sent to its socket
    // before the next message) and stays quiet. carol's message after it is the marker that the muted one was seen.
    await bobElsewhere.notifications.mute(withAlice.id, '1h');
    await alice.messages.send(withAlice.id, 'this one is muted');
    const withCarol = await carol.conversations.openDirect('bob');
    await carol.messages.send(withCarol.id, 'carol says hi');
    await waitForShown(page, { title: 'carol', body: 'carol says hi' });
    expect((await shown(page)).map((s) => s.body)).not.toContain('this one is muted');
    expect(bob.problems).toEqual([]);
  });

  it('hides the text when asked ("New message")', async () => {
    const page = bob.page;
    await bobElsewhere.notifications.mute(withAlice.id, 'off');
    await goToSettings(page);
    await page.getByRole('switch', { name: 'Hide message text' }).check();
    await alice.messages.send(withAlice.id, 'nobody should read this on the lock screen');
    await waitForShown(page, { title: 'alice', body: 'New message' });
    expect((await shown(page)).map((s) => s.body)).not.toContain('nobody should read this on the lock screen');
  });

  it('a push delivered to the service worker (DevTools ServiceWorker.deliverPushMessage) shows "New message"; its click opens the conversation', async () => {
    const page = bob.page;
    const origin = browserOrigin(t);
    const cdp = await bob.context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const id = await registrationId;
    const worker: Worker = bob.context.serviceWorkers()[0] ?? (await bob.context.waitForEvent('serviceworker'));

    // The tab leaves Parley (about:blank: another page, and no second copy of the app loading beside the test): no
    // Parley tab is in front, as with the app closed.
    await page.goto('about:blank');
    // The page's own notifications (same tag) are closed first: a push finding one leaves it standing. And the worker
    // must see the Parley tab gone from the front (it shows nothing while one is), which the navigation above does not
    // promise at once: wait for what the push handler checks.
    await worker.evaluate(async () => {
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        clients: { matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<{ visibilityState: string; focused: boolean }[]> };
      };
      for (let i = 0; i < 100; i += 1) {
        const open = await scope.registration.getNotifications();
        for (const n of open) n.close();
        const tabs = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
        if (open.length === 0 && !tabs.some((tab) => tab.visibilityState === 'visible' && tab.focused)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('notifications did not close, or a Parley tab stayed in front');
    });
    await worker.evaluate(recordPushes);
    // Delivered through DevTools. A push that never reached the worker's handlers is delivered again (up to three
    // times); one that reached them and showed nothing fails, with the worker's record of what its handler did. The
    // notification appears once its icon and badge are fetched, which a loaded machine can make slow: up to 20 s.
    const payload = JSON.stringify({ c: withAlice.id, n: 2, p: '   ' });
    let seen: PushOutcome = { notes: [], pushes: 0, record: [] };
    for (let attempt = 0; attempt < 3 && seen.pushes === 0; attempt += 1) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: id, data: payload });
      seen = await worker.evaluate(awaitPushNotification, `parley:${withAlice.id}`);
    }
    expect(seen.pushes, 'pushes the worker got').toBe(1);
    expect(seen.notes, `what the worker did: ${seen.record.join('; ')}`).toEqual([
      { title: 'Parley', body: '2 new messages', data: { conversationId: withAlice.id } },
    ]);

    // Back in Parley; the click (dispatched in the worker as the browser would) opens the conversation in that tab.
    await page.goto(`${origin}/`);
    await expectHeading(page, 'Conversations', { focused: false });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await worker.evaluate(async () => {
      const scope = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent(e: Event): boolean };
      const [notification] = await scope.registration.getNotifications();
      const NotificationEventCtor = (self as unknown as { NotificationEvent: new (type: string, init: { notification?: Notification }) => Event })
        .NotificationEvent;
      try {
        scope.dispatchEvent(new NotificationEventCtor('notificationclick', { notification }));
      } catch {
        // An untrusted event's waitUntil throws after the handler started its work: the work still runs.
      }
    });
    await page.waitForURL(`${origin}/c/${withAlice.id}`);
    await page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();
    await cdp.detach();
    // Room for the 20 s wait above and its report before the suite's 30 s limit cuts the test short.
  }, 60_000);
});
