import type { KdfParams } from '../../protocol/auth.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export function assertKdfStrongEnough(kdf: KdfParams, min: Config['minKdf']): void {
  if (kdf.memoryKiB < min.memoryKiB || kdf.iterations < min.iterations || kdf.parallelism < min.parallelism) {
    throw new AppError(
      'KDF_TOO_WEAK',
      `Password key derivation must use Argon2id with at least ${min.memoryKiB} KiB of memory, ` +
        `${min.iterations} iterations and parallelism ${min.parallelism}.`,
    );
  }
}
