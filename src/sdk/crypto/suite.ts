/** The one ciphersuite Parley speaks, and the ts-mls configuration every group operation uses. */
import {
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type AuthenticationService,
  type Capabilities,
  type CiphersuiteImpl,
  type ClientConfig,
  type Lifetime,
} from 'ts-mls';

export const CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
/** draft-ietf-mls-extensions "last_resort" KeyPackage extension (0x000A): a KeyPackage the server may hand out twice. */
export const LAST_RESORT_EXTENSION = 0x000a;
/** KeyPackages expire after 90 days; an expired one is refused when someone tries to add it. */
export const KEY_PACKAGE_LIFETIME_SECONDS = 90 * 24 * 3600;

let suite: Promise<CiphersuiteImpl> | undefined;

/** ts-mls's default provider: WebCrypto (AES-GCM, HKDF, X25519 via @hpke/core, Ed25519) with @noble fallbacks. */
export function ciphersuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
  return suite;
}

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
