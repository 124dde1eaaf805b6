/** Framing inspection lives in src/mls, where the server imports it too (the server never imports src/sdk). */
export {
  inspectMlsMessage,
  keyPackageRef,
  verifyHandshakeSignature,
  type HandshakeSender,
  type MlsFraming,
} from '../../mls/framing.js';
