export { createEngine, type EngineOptions, type PoolEngine } from './pool.js';
export {
  QueryError,
  type ColumnInfo,
  type Engine,
  type ParamValue,
  type QueryErrorKind,
  type QueryRequest,
  type QueryResult,
} from './types.js';
export { MAX_SQL_BYTES } from './guard.js';
