/**
 * libsodium's `crypto_secretstream_xchacha20poly1305` through one of two bindings of the same C library: `sodium-native`
 * (native code, several times faster) when the SDK runs in Node, libsodium-wrappers' WebAssembly elsewhere (a page, a
 * Web Worker) or when the native module cannot load. Same function, same wire format, same key, header and tags: a
 * stream pushed through one is pulled by the other. No construction of our own.
 */
import sodium from 'libsodium-wrappers';

/** One encryption stream: its header (sent first), then one ciphertext per message pushed. */
export interface SecretStreamPush {
  readonly header: Uint8Array;
  /** Encrypts one message (a fresh output buffer, message length + ABYTES); `final` tags it TAG_FINAL. */
  push(message: Uint8Array, final: boolean): Uint8Array;
}

/** One decryption stream. */
export interface SecretStreamPull {
  /** Decrypts one ciphertext (a fresh output buffer); throws if it does not authenticate. */
  pull(ciphertext: Uint8Array): { message: Uint8Array; final: boolean };
}

export interface SecretStreamBinding {
  readonly name: 'sodium-native' | 'libsodium-wrappers';
  keygen(): Uint8Array;
  initPush(key: Uint8Array): SecretStreamPush;
  /** Throws if the key is not valid. */
  initPull(header: Uint8Array, key: Uint8Array): SecretStreamPull;
}

let wasm: Promise<SecretStreamBinding> | undefined;
/** libsodium-wrappers (WebAssembly), once loaded: works in a page, a Web Worker and Node. */
export function wasmSecretStream(): Promise<SecretStreamBinding> {
  wasm ??= sodium.ready.then(() => {
    const s = sodium;
    return {
      name: 'libsodium-wrappers',
      keygen: () => s.crypto_secretstream_xchacha20poly1305_keygen(),
      initPush(key) {
        const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
        return {
          header,
          push: (message, final) =>
            s.crypto_secretstream_xchacha20poly1305_push(
              state,
              message,
              null,
              final ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
            ),
        };
      },
      initPull(header, key) {
        const state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
        return {
          pull(ciphertext) {
            // Typed as always a result, but an older libsodium-wrappers returns false on failure instead of throwing.
            const result: { message: Uint8Array; tag: number } | false = s.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext, null);
            if (!result) throw new Error('secretstream pull failed');
            return { message: result.message, final: result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL };
          },
        };
      },
    } satisfies SecretStreamBinding;
  });
  return wasm;
}

/** What this module uses of `sodium-native` (v5): its functions write into buffers the caller provides. */
interface SodiumNative {
  crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  crypto_secretstream_xchacha20poly1305_HEADERBYTES: number;
  crypto_secretstream_xchacha20poly1305_KEYBYTES: number;
  crypto_secretstream_xchacha20poly1305_ABYTES: number;
  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_keygen(key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_init_push(state: Uint8Array, header: Uint8Array, key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_push(state: Uint8Array, c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Uint8Array, header: Uint8Array, key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Uint8Array, m: Uint8Array, tag: Uint8Array, c: Uint8Array, ad: Uint8Array | null): number;
}

function nativeBinding(n: SodiumNative): SecretStreamBinding {
  const A = n.crypto_secretstream_xchacha20poly1305_ABYTES;
  const newState = () => new Uint8Array(n.crypto_secretstream_xchacha20poly1305_STATEBYTES);
  return {
    name: 'sodium-native',
    keygen() {
      const key = new Uint8Array(n.crypto_secretstream_xchacha20poly1305_KEYBYTES);
      n.crypto_secretstream_xchacha20poly1305_keygen(key);
      return key;
    },
    initPush(key) {
      const state = newState();
      const header = new Uint8Array(n.crypto_secretstream_xchacha20poly1305_HEADERBYTES);
      n.crypto_secretstream_xchacha20poly1305_init_push(state, header, key);
      return {
        header,
        push(message, final) {
          const c = new Uint8Array(message.length + A);
          const tag = final ? n.crypto_secretstream_xchacha20poly1305_TAG_FINAL : n.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
          n.crypto_secretstream_xchacha20poly1305_push(state, c, message, null, tag);
          return c;
        },
      };
    },
    initPull(header, key) {
      const state = newState();
      n.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key);
      const tag = new Uint8Array(1);
      return {
        pull(ciphertext) {
          if (ciphertext.length < A) throw new Error('secretstream chunk too short');
          const m = new Uint8Array(ciphertext.length - A);
          n.crypto_secretstream_xchacha20poly1305_pull(state, m, tag, ciphertext, null);
          return { message: m, final: tag[0] === n.crypto_secretstream_xchacha20poly1305_TAG_FINAL };
        },
      };
    },
  };
}

let native: Promise<SecretStreamBinding | undefined> | undefined;
/** `sodium-native` when running in Node and its prebuilt module loads; undefined in a browser or a worker. */
export function nativeSecretStream(): Promise<SecretStreamBinding | undefined> {
  const runtime = globalThis as { process?: { versions?: { node?: string } } };
  if (!runtime.process?.versions?.node) return Promise.resolve(undefined);
  // A computed name, so that the web bundle neither includes nor stubs it (this branch never runs there).
  const name = ['sodium', 'native'].join('-');
  native ??= (import(/* @vite-ignore */ name) as Promise<{ default?: SodiumNative } & Partial<SodiumNative>>)
    .then((module) => {
      const n = module.default ?? (module as SodiumNative);
      return typeof n.crypto_secretstream_xchacha20poly1305_push === 'function' ? nativeBinding(n) : undefined;
    })
    .catch(() => undefined);
  return native;
}

/** The fastest binding available here: sodium-native in Node, libsodium-wrappers elsewhere. */
export async function secretStream(): Promise<SecretStreamBinding> {
  return (await nativeSecretStream()) ?? (await wasmSecretStream());
}
