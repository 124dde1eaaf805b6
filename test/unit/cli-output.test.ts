import { describe, expect, it } from 'vitest';
import { CliError, EXIT, exitCodeOf } from '../../src/cli/exit-codes.js';
import { formatMessage, safe } from '../../src/cli/output.js';
import { ParleyError, type Message } from '../../src/sdk/index.js';
import { noRichFields } from '../../src/sdk/message-stream.js';

const message = (text: string, extra: Partial<Message> = {}): Message => ({
  id: 'm1',
  seq: 1,
  conversationId: 'c1',
  sender: 'bob',
  text,
  sentAt: new Date().toISOString(),
  editedAt: null,
  deleted: false,
  contentType: 'application/mls',
  encrypted: true,
  decryptionError: null,
  ...noRichFields(),
  ...extra,
});

describe("the terminal client's output", () => {
  it('never lets a message send escape sequences to the terminal', () => {
    const hostile = 'hi\u001b[2J\u001b]0;pwned\u0007\u009b31m\rover\u2028written';
    const shown = safe(hostile);
    // eslint-disable-next-line no-control-regex
    expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028]/);
    expect(shown).toContain('hi');
    expect(formatMessage(message(hostile), 'alice')).not.toContain('\u001b]0;');
  });

  it('keeps line breaks (indented) and shows an undecryptable message as such, never as text', () => {
    expect(safe('one\ntwo')).toBe('one\n  two');
    const line = formatMessage(message('', { decryptionError: 'notJoined' }), 'alice');
    expect(line).toContain('cannot be decrypted on this device: notJoined');
  });

  it('maps failures to the documented exit codes', () => {
    expect(exitCodeOf(new ParleyError('UNAUTHENTICATED', 'x'))).toBe(EXIT.AUTH);
    expect(exitCodeOf(new ParleyError('INVALID_CREDENTIALS', 'x'))).toBe(3);
    expect(exitCodeOf(new ParleyError('NOT_FOUND', 'x'))).toBe(4);
    expect(exitCodeOf(new ParleyError('NETWORK', 'x'))).toBe(5);
    expect(exitCodeOf(new ParleyError('NOT_A_CONTACT', 'x'))).toBe(6);
    expect(exitCodeOf(new ParleyError('RATE_LIMITED', 'x'))).toBe(7);
    expect(exitCodeOf(new CliError(EXIT.BUSY, 'x'))).toBe(8);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });
});
