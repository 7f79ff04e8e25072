/** Branded identifiers: a CellId cannot be passed where a NotebookId is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type NotebookId = Brand<string, 'NotebookId'>;
export type CellId = Brand<string, 'CellId'>;
export type DatasetId = Brand<string, 'DatasetId'>;
export type UserId = Brand<string, 'UserId'>;
export type ResultId = Brand<string, 'ResultId'>;

export const asNotebookId = (s: string) => s as NotebookId;
export const asCellId = (s: string) => s as CellId;
export const asDatasetId = (s: string) => s as DatasetId;
export const asUserId = (s: string) => s as UserId;
export const asResultId = (s: string) => s as ResultId;
