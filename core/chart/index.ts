export * from './spec.js';
export { fieldKind, findColumn, type ChartColumn, type FieldKind } from './fields.js';
export * from './normalised.js';
export { normaliseChart } from './validate.js';
export {
  compileChartSql, extentSql, parseLineExtent, widthResolution, DEFAULT_MAX_MARKS, type CompileOptions, type CompiledChart, type LineExtent,
} from './compile.js';
export { prepareChartData, type ChartData, type ChartRow, type PreparedData } from './data.js';
export { renderChart, type RenderOptions } from './render.js';
export { THEMES, type ChartTheme, type ThemeColors } from './theme.js';
export { worldOutline, type WorldOutline } from './world.js';
export { suggestChart } from './suggest.js';
