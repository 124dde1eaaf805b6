import { describe, expect, it } from 'vitest';
import type { ClientEventName } from '../../src/protocol/realtime.js';
import type { VaultRecordDto } from '../../src/protocol/vault.js';
import type { Requester } from '../../src/sdk/e2ee/api.js';
import { ParleyError } from '../../src/sdk/errors.js';
import { MemoryStore } from '../../src/sdk/e2ee/store.js';
import { Vault } from '../../src/sdk/e2ee/vault.js';

/** A server's vault for one user, answering `vault:list` with at most `perAnswer` records (`hasMore` past that). */
function fakeServer(perAnswer: number) {
  let keyring: { version: number; wrappedKeyring: Uint8Array } | undefined;
  const records = new Map<number, VaultRecordDto>();
  const lists: number[][] = [];
  const rt: Requester = {
    request: ((event: ClientEventName, payload: Record<string, unknown>) => Promise.resolve().then(() => {
      if (event === 'vault:key:get') {
        if (!keyring) throw new ParleyError('NOT_FOUND', 'You have no vault yet.');
        return keyring;
      }
      if (event === 'vault:key:set') {
        keyring = { version: payload.version as number, wrappedKeyring: payload.wrappedKeyring as Uint8Array };
        return keyring;
      }
      if (event === 'vault:put') {
        for (const r of payload.records as VaultRecordDto[]) records.set(r.seq, r);
        return { stored: (payload.records as unknown[]).length };
      }
      if (event === 'vault:list') {
        const asked = payload.seqs as number[];
        lists.push(asked);
        const held = [...new Set(asked)].sort((a, b) => a - b).flatMap((seq) => records.get(seq) ?? []);
        return { records: held.slice(0, perAnswer), hasMore: held.length > perAnswer };
      }
      throw new Error(`unexpected ${event}`);
    })) as Requester['request'],
  };
  return { rt, lists };
}

describe('Vault.fetch', () => {
  it('follows hasMore: an answer cut for size is asked again from after its last record, and every record arrives once', async () => {
    const server = fakeServer(3);
    const vault = await Vault.open(server.rt, new MemoryStore(), 'alice', new Uint8Array(32).fill(7));
    // Records for seqs 1..12 except 5 and 9 (never stored: another device had not read them).
    for (let seq = 1; seq <= 12; seq++) if (seq !== 5 && seq !== 9) vault.enqueue('c1', seq, { text: `m${seq}` });
    await vault.flush();
    const got = await vault.fetch('c1', [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 3]);
    expect([...got.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7, 8, 10, 11, 12]);
    expect(got.get(12)?.text).toBe('m12');
    // 10 records, 3 an answer: 4 asks, each from after the last record it got (5 and 9 are skipped over, not asked forever).
    expect(server.lists).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      [4, 5, 6, 7, 8, 9, 10, 11, 12],
      [8, 9, 10, 11, 12],
      [12],
    ]);
  });
});
