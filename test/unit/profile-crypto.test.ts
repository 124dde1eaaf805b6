import { describe, expect, it } from 'vitest';
import { newProfileKey, openProfile, sealProfile } from '../../src/sdk/crypto/profile-crypto.js';
import { decodeProfile, encodeProfile, normalizeDisplayName } from '../../src/sdk/profile.js';
import { decodeRichContent, encodeRichContent } from '../../src/sdk/content/codec.js';

const USER = '0192f0c4-3d2a-7b4e-9a51-6f1e2d3c4b5a';

describe('sealed profiles', () => {
  it('open with the key, owner and version they were sealed for, and with nothing else', () => {
    const key = newProfileKey();
    const plain = encodeProfile({ displayName: 'Алиса 🌷', avatar: { type: 'image/webp', bytes: new Uint8Array([1, 2, 3]) } });
    const blob = sealProfile(key, USER, 3, plain);
    const opened = openProfile(key, USER, 3, blob);
    expect(opened && decodeProfile(opened)).toEqual({ displayName: 'Алиса 🌷', avatar: { type: 'image/webp', bytes: new Uint8Array([1, 2, 3]) } });
    expect(openProfile(newProfileKey(), USER, 3, blob)).toBeUndefined();
    expect(openProfile(key, USER, 2, blob)).toBeUndefined();
    expect(openProfile(key, '0192f0c4-3d2a-7b4e-9a51-000000000000', 3, blob)).toBeUndefined();
    const tampered = blob.slice();
    tampered[30] = (tampered[30] ?? 0) ^ 1;
    expect(openProfile(key, USER, 3, tampered)).toBeUndefined();
  });

  it('a display name is 1–64 characters of any script, trimmed, without control characters', () => {
    expect(normalizeDisplayName('  李小龍  ')).toBe('李小龍');
    expect(normalizeDisplayName('👩‍👩‍👧‍👦'.repeat(64))).toHaveLength('👩‍👩‍👧‍👦'.length * 64);
    expect(() => normalizeDisplayName('   ')).toThrow();
    expect(() => normalizeDisplayName('a'.repeat(65))).toThrow();
    expect(() => normalizeDisplayName('a\u0007b')).toThrow();
  });

  it('the profile key travels as a content kind of its own, bounded', () => {
    const key = 'A'.repeat(43);
    expect(decodeRichContent(encodeRichContent({ kind: 'profile-key', key }))).toEqual({ kind: 'profile-key', key });
    expect(() => encodeRichContent({ kind: 'profile-key', key: 'short' })).toThrow();
  });
});
