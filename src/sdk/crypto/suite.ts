/** The ts-mls configuration every group operation uses (the ciphersuite itself is in src/mls/suite.ts). */
import {
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  type AuthenticationService,
  type Capabilities,
  type ClientConfig,
  type Lifetime,
} from 'ts-mls';
import { CIPHERSUITE, LAST_RESORT_EXTENSION } from '../../mls/suite.js';

export { CIPHERSUITE, LAST_RESORT_EXTENSION, ciphersuite } from '../../mls/suite.js';
/** KeyPackages expire after 90 days; an expired one is refused when someone tries to add it. */
export const KEY_PACKAGE_LIFETIME_SECONDS = 90 * 24 * 3600;

export function parleyCapabilities(): Capabilities {
  return {
    versions: ['mls10'],
    ciphersuites: [CIPHERSUITE],
    extensions: [LAST_RESORT_EXTENSION],
    proposals: [],
    credentials: ['basic'],
  };
}

export function keyPackageLifetime(nowMs: number = Date.now()): Lifetime {
  const now = BigInt(Math.floor(nowMs / 1000));
  return { notBefore: now - 3600n, notAfter: now + BigInt(KEY_PACKAGE_LIFETIME_SECONDS) };
}

/**
 * Key retention. ts-mls 1.6.4 treats retainKeysForEpochs = 0 as "keep every epoch" (it prunes with slice(-0)), so
 * we hand it retainPastEpochs + 1 and trim to retainPastEpochs ourselves (see pruneEpochs in group-state.ts).
 */
export function parleyClientConfig(authService: AuthenticationService, retainPastEpochs: number): ClientConfig {
  return {
    keyRetentionConfig: {
      retainKeysForEpochs: retainPastEpochs + 1,
      retainKeysForGenerations: 10,
      maximumForwardRatchetSteps: 200,
    },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService,
  };
}
