export { compileCell, compileSql, locate } from './compile.js';
export type { CompileError, CompileInput, CompileResult, CompiledQuery, QuerySegment, SourceLocation } from './compile.js';
export { buildGraph, runOrder, upstreamOrder } from './graph.js';
export type { DependencyGraph, GraphCell, GraphError, UpstreamResult } from './graph.js';
export { definedCteNames, findReferences } from './references.js';
