/** Live sync of notebook Y.Docs over websockets, with a durable update log. */
export { createCollab, type Collab, type CollabOptions } from './manager.js';
export { CloseCode, type CollabIdentity, type ConnectionLimits } from './connection.js';
export { LOAD_ORIGIN, REPLAY_ORIGIN } from './load-room.js';
export { MessageType, SyncType } from './protocol.js';
export { UpdateLog, CorruptStateError } from './update-log.js';
export { UpgradeRefusal } from './ws-server.js';
