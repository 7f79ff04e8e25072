export * from './ids.js';
export * from './notebook/model.js';
export { NotebookFormatError, isCellId, parseNotebook, serializeNotebook } from './notebook/format.js';
export {
  CELLS, META, cellIndex, cellMap, cellSource, deleteCell, docToNotebook, getCells, getMeta, insertCell,
  loadNotebookIntoDoc, markCellEdited, moveCell, newCellId, orderedCells, setCellKind, setCellName,
  setClassification, setTitle,
} from './notebook/ydoc.js';
export {
  COMMENTS, addReply, addThread, deleteMessage, deleteThread, getComments, newCommentId, readComments, setResolved,
} from './notebook/comments.js';
export { isOrderKey, keyBetween, keysBetween } from './notebook/order-key.js';
export type { CellMap } from './notebook/ydoc.js';
export { RESERVED_WORDS, identifierProblem, isSqlIdentifier, quoteIdentifier, quoteString } from './sql/identifiers.js';
export { isSignificant, tokenize, unquoteIdentifier } from './sql/tokenize.js';
export type { Token, TokenKind } from './sql/tokenize.js';
export { utf8OffsetToIndex } from './sql/utf8.js';
export * from './compile/index.js';
