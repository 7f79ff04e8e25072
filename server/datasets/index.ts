export { createCatalog } from './catalog.js';
export type { Catalog, DatasetColumn, DatasetDetail, DatasetInfo, DatasetKind, JsonTable, JsonValue } from './types.js';
export { importBytes, importFile, ImportError, type ImportBytesOptions, type ImportOptions } from './import.js';
export type { ImportFormat } from './import-source.js';
export { DEMO_DATASETS, ensureDemoData, generateDemoData, type DemoDatasetName, type DemoOptions } from './demo.js';
export { isDatasetName, datasetNameProblem } from './name.js';
