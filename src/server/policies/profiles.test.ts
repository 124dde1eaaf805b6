import { describe, expect, it } from 'vitest';
import { canReadProfile, isNextProfileVersion } from './profiles.js';

const none = { contact: false, blocked: false, sharedGroup: false };

describe('canReadProfile', () => {
  it('lets the owner read their own profile', () => {
    expect(canReadProfile('a', 'a', none)).toBe(true);
  });
  it('lets contacts and members of a shared group read it', () => {
    expect(canReadProfile('b', 'a', { ...none, contact: true })).toBe(true);
    expect(canReadProfile('b', 'a', { ...none, sharedGroup: true })).toBe(true);
  });
  it('refuses strangers', () => {
    expect(canReadProfile('c', 'a', none)).toBe(false);
  });
  it('refuses anyone blocked either way, contact or group member alike', () => {
    expect(canReadProfile('b', 'a', { contact: true, blocked: true, sharedGroup: true })).toBe(false);
  });
});

describe('isNextProfileVersion', () => {
  it('accepts 1 first, then one more than the stored version only', () => {
    expect(isNextProfileVersion(undefined, 1)).toBe(true);
    expect(isNextProfileVersion(undefined, 2)).toBe(false);
    expect(isNextProfileVersion(3, 4)).toBe(true);
    expect(isNextProfileVersion(3, 3)).toBe(false);
    expect(isNextProfileVersion(3, 5)).toBe(false);
  });
});
