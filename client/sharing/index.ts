export { openShareDialog, roleLabel, type ShareDialogOptions } from './share-dialog.js';
export { accessOf, loadAccess, FULL_ACCESS, type NotebookAccess } from './access.js';
export { getSharing, putSharing, getDirectory, parseSharing, parseDirectory, parseNotebookRole, SHARE_ROLES, type Share, type ShareRole, type ShareKind, type NotebookRole, type Sharing, type Directory } from './api.js';
export { sharingEn, sharingFr, type SharingMessageKey } from './messages.js';
export { sharingIcon } from './icons.js';
export { setCurrentAccess, currentAccess } from './current.js';
export { isAccessEvent, sameAccess, ACCESS_REVOKED_CLOSE } from './access-events.js';
