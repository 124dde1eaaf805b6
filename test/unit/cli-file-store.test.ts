import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/cli/state/file-store.js';
import { openStoreKey } from '../../src/cli/state/store-key.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
const password = 'violet-harbor-lantern-93';
const bytes = (s: string) => new TextEncoder().encode(s);

describe("the terminal client's sealed store", () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps entries sealed on disk (0600) and opens them again only with the password', async () => {
    const store = await FileStore.open(dir, 'alice', await openStoreKey(dir, 'alice', password));
    const secret = 'canary-in-the-store-7f3a';
    await store.write(new Map([['alice/text/c/1', bytes(secret)], ['gone', bytes('x')]]));
    await store.write(new Map([['gone', undefined]]));
    const file = path.join(dir, 'store.sealed');
    expect(fs.readFileSync(file).includes(secret)).toBe(false);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(path.join(dir, 'store-key.json')).mode & 0o777).toString(8)).toBe('600');

    const again = await FileStore.open(dir, 'alice', await openStoreKey(dir, 'alice', password));
    expect(new TextDecoder().decode(await again.get('alice/text/c/1'))).toBe(secret);
    expect(await again.get('gone')).toBeUndefined();
    await expect(openStoreKey(dir, 'alice', 'not-her-password-1')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Another account's name is the associated data: the file does not open as someone else's.
    await expect(FileStore.open(dir, 'mallory', await openStoreKey(dir, 'alice', password))).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('shares one file write among writes that arrive while one is under way', async () => {
    const store = await FileStore.open(dir, 'alice', await openStoreKey(dir, 'alice', password));
    const persisted: number[] = [];
    const persist = (store as unknown as { persist: (m: Map<string, Uint8Array>) => Promise<void> }).persist.bind(store);
    (store as unknown as { persist: (m: Map<string, Uint8Array>) => Promise<void> }).persist = (m) => {
      persisted.push(m.size);
      return persist(m);
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.write(new Map([[`k${i}`, bytes(String(i))]]))));
    expect(persisted.length).toBeLessThanOrEqual(2);
    const again = await FileStore.open(dir, 'alice', await openStoreKey(dir, 'alice', password));
    expect(new TextDecoder().decode(await again.get('k49'))).toBe('49');
  });
});
