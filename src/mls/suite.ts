/** The one ciphersuite Parley speaks (client and server alike). */
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from 'ts-mls';

export const CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
/** draft-ietf-mls-extensions "last_resort" KeyPackage extension (0x000A): a KeyPackage the server may hand out twice. */
export const LAST_RESORT_EXTENSION = 0x000a;

let suite: Promise<CiphersuiteImpl> | undefined;

/** ts-mls's default provider: WebCrypto (AES-GCM, HKDF, X25519 via @hpke/core, Ed25519) with @noble fallbacks. */
export function ciphersuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
  return suite;
}
