import { describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/protocol/messages.js';
import type { E2eeApi, SendRequest, SentRecord } from '../../src/sdk/e2ee/api.js';
import type { Content } from '../../src/sdk/e2ee/content.js';
import { deferringRecords } from '../../src/sdk/e2ee/deferred-records.js';

/** A layer that logs its calls, as a worker would see them cross. */
function fakeLayer() {
  const calls: string[] = [];
  const recorded: SentRecord[][] = [];
  const layer = {
    send: (_c: string, _content: Content, request: SendRequest) => {
      calls.push('send');
      if (request.recorded) recorded.push(request.recorded);
      return Promise.resolve({ payload: { contentType: 'application/mls-private', body: new Uint8Array([1]) }, quote: null });
    },
    decode: (_dto: MessageDto, records?: SentRecord[]) => {
      calls.push('decode');
      if (records) recorded.push(records);
      return Promise.resolve(undefined);
    },
    record: (records: SentRecord[]) => {
      calls.push('record');
      recorded.push(records);
      return Promise.resolve(records.map((r) => ({ message: { id: r.dto.id } as never, dto: r.dto, positioned: true })));
    },
    located: () => {
      calls.push('located');
      return Promise.resolve(undefined);
    },
    close: () => {
      calls.push('close');
      return Promise.resolve();
    },
  } as unknown as E2eeApi;
  return { layer, calls, recorded };
}

const dto = (seq: number): MessageDto => ({
  id: `m${seq}`, seq, conversationId: 'c', sender: 'alice', sentAt: '2026-12-07T00:00:00.000Z', contentType: 'application/mls-private', body: new Uint8Array([seq]), editedAt: null, deleted: false,
});
const message = (text: string): Content => ({ kind: 'message', text, replyTo: null, mentions: [], attachments: [] });

describe('deferred records: a send is one call into the worker', () => {
  it('a stored message is shown at once; its record rides with the next send, not a call of its own', async () => {
    const { layer, calls, recorded } = fakeLayer();
    const { api } = deferringRecords(layer, 60_000);
    const [sent] = await api.record([{ dto: dto(1), content: message('hello'), quote: null }]);
    expect(sent?.message).toMatchObject({ id: 'm1', seq: 1, text: 'hello', sender: 'alice', encrypted: true });
    expect(calls).toEqual([]);
    await api.send('c', message('next'), { clientKey: 'k2' });
    expect(calls).toEqual(['send']);
    expect(recorded[0]?.map((r) => r.dto.seq)).toEqual([1]);
  });

  it('any other call hands the waiting records over first; a decode carries them', async () => {
    const { layer, calls, recorded } = fakeLayer();
    const { api } = deferringRecords(layer, 60_000);
    await api.record([{ dto: dto(1), content: message('a') }]);
    await api.located('m1');
    expect(calls).toEqual(['record', 'located']);
    await api.record([{ dto: dto(2), content: message('b') }]);
    await api.decode(dto(3));
    expect(calls).toEqual(['record', 'located', 'decode']);
    expect(recorded.map((r) => r.map((x) => x.dto.seq))).toEqual([[1], [2]]);
  });

  it('an edit is kept at once (its target lives in the worker), with what waited before it', async () => {
    const { layer, calls, recorded } = fakeLayer();
    const { api } = deferringRecords(layer, 60_000);
    await api.record([{ dto: dto(1), content: message('a') }]);
    await api.record([{ dto: dto(2), content: { kind: 'edit', target: { id: 'm1', seq: 1 }, text: 'b' } }]);
    expect(calls).toEqual(['record']);
    expect(recorded[0]?.map((r) => r.dto.seq)).toEqual([1, 2]);
  });

  it('after a quiet pause, and at close, the records go on their own', async () => {
    const { layer, calls } = fakeLayer();
    const { api } = deferringRecords(layer, 10);
    await api.record([{ dto: dto(1), content: message('a') }]);
    await expect.poll(() => calls).toEqual(['record']);
    await api.record([{ dto: dto(2), content: message('b') }]);
    await api.close();
    expect(calls).toEqual(['record', 'record', 'close']);
  });
});
