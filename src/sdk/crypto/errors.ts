/** The crypto core's one error type lives in src/mls (shared with the server's framing checks). */
export { MlsCryptoError, isMlsCryptoError, type MlsErrorCode } from '../../mls/errors.js';
