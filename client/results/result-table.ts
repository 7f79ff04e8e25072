/**
 * The result grid: a virtually scrolled table over an Arrow table. Only the rows in
 * view (plus a margin) exist in the DOM, so 100k rows scroll like 100.
 */
import type { DataType, Table, Vector } from 'apache-arrow';
import type { Column } from '../api/datasets.js';
import type { SortSpec } from '../api/query.js';
import { h, icon } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { columnFormat, type ColumnFormat } from './format.js';

export const ROW_HEIGHT = 26;
/** Height of the sticky header row (see results.css). */
export const HEADER_HEIGHT = 32;
const OVERSCAN = 8;
const MAX_VISIBLE_ROWS = 14;

export interface CellRef {
  row: number;
  col: number;
}

export interface ResultTableOptions {
  /** Asked to sort by a column (output-view.ts decides where); undefined clears the sort. */
  onSort?: (sort: SortSpec | undefined) => void;
  /** Told when the selected cell changes. */
  onSelect?: (cell: CellRef | undefined) => void;
}

/** Where the grid's scroll window starts and ends, in rows. Pure, exported for tests. */
export function visibleRange(scrollTop: number, viewport: number, rowCount: number, rowHeight = ROW_HEIGHT, overscan = OVERSCAN): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(viewport / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(rowCount, first + count + overscan) };
}

/** Width the header needs: the name (bold) and the type (small mono) side by side, capped. Pure. */
export function headerWidth(name: string, type: string): number {
  return Math.round(Math.min(320, name.length * 7.8 + type.length * 6.6 + 36));
}

/**
 * A column width in pixels from the widest value it shows, within bounds. `measure` gives a
 * text's width (the browser's canvas); by default it estimates from the character count.
 */
export function columnWidth(texts: string[], measure: (s: string) => number = (s) => s.length * 7.4): number {
  const widest = texts.reduce((m, s) => Math.max(m, measure(s)), 0);
  return Math.round(Math.min(360, Math.max(72, widest + 28)));
}

let canvas: CanvasRenderingContext2D | null | undefined;

/** Text width in the grid's font, measured on a canvas (no layout); estimated where there is no canvas. */
function measureGridText(s: string): number {
  if (canvas === undefined) {
    canvas = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    if (canvas) canvas.font = `12.5px ${getComputedStyle(document.body).fontFamily}`;
  }
  return canvas ? canvas.measureText(s).width : s.length * 7.4;
}

export class ResultTable {
  readonly element: HTMLDivElement;
  private readonly tableEl: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly headRow: HTMLTableRowElement;
  private readonly colgroup: HTMLTableColElement;
  private vectors: (Vector | null)[] = [];
  private formats: ColumnFormat[] = [];
  private columns: Column[] = [];
  private rowCount = 0;
  private selected: CellRef | undefined;
  private sort: SortSpec | undefined;
  /** Display position → row of the Arrow table, when sorted in the browser; null: the table's order. */
  private order: Uint32Array | null = null;
  private frame = 0;
  private rendered = { start: -1, end: -1 };

  constructor(private readonly options: ResultTableOptions = {}) {
    this.colgroup = h('colgroup');
    this.headRow = h('tr');
    this.body = h('tbody');
    this.tableEl = h('table', { class: 'grid-table' }, this.colgroup, h('thead', null, this.headRow), this.body);
    this.element = h('div', { class: 'result-grid', tabindex: 0, role: 'region', 'aria-label': t('results.gridLabel') }, this.tableEl);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  /**
   * Shows an Arrow table; `columns` carry the DuckDB type names for the headers. `order`
   * (display position → table row) shows it sorted without copying it (local-sort.ts).
   */
  setData(table: Table, columns: Column[], sort?: SortSpec, order?: Uint32Array): void {
    this.columns = columns;
    this.sort = sort;
    this.order = order && order.length === table.numRows ? order : null;
    this.rowCount = table.numRows;
    this.vectors = columns.map((_, i) => table.getChildAt(i));
    this.formats = table.schema.fields.map((f, i) => columnFormat(f.type as DataType, columns[i]?.type, f.name));
    this.selected = undefined;
    this.renderHead();
    const visible = Math.min(this.rowCount, MAX_VISIBLE_ROWS);
    // A fixed height from the row count: the page does not jump while rows render.
    this.element.style.height = `${Math.max(visible, 1) * ROW_HEIGHT + HEADER_HEIGHT + 2}px`;
    this.element.scrollTop = 0;
    this.rendered = { start: -1, end: -1 };
    this.renderRows();
  }

  /** The value at a cell, raw (as Arrow gives it). */
  value(cell: CellRef): unknown {
    return this.vectors[cell.col]?.get(this.rowAt(cell.row)) ?? null;
  }

  /** The table row shown at display position `row`. */
  private rowAt(row: number): number {
    return this.order ? this.order[row]! : row;
  }

  /** Plain text of a cell for the clipboard; empty for NULL. */
  rawText(cell: CellRef): string {
    const v = this.value(cell);
    return v === null || v === undefined ? '' : this.formats[cell.col]!.raw(v);
  }

  columnName(col: number): string {
    return this.columns[col]?.name ?? '';
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
  }

  private renderHead(): void {
    const widths = this.columns.map((c, i) => {
      const sample: string[] = [];
      const vec = this.vectors[i];
      for (let r = 0; r < Math.min(this.rowCount, 50); r++) {
        const v = vec?.get(r);
        sample.push(v === null || v === undefined ? 'NULL' : this.formats[i]!.display(v));
      }
      return Math.max(columnWidth(sample, measureGridText), headerWidth(c.name, shortType(c.type)));
    });
    const gutter = columnWidth([String(this.rowCount)]) - 24;
    // A last, unsized column takes the room left in a wide grid, so data columns keep their widths.
    this.colgroup.replaceChildren(h('col', { style: `width:${gutter}px` }), ...widths.map((w) => h('col', { style: `width:${w}px` })), h('col'));
    this.tableEl.style.width = `max(100%, ${gutter + widths.reduce((a, b) => a + b, 0)}px)`;
    this.headRow.replaceChildren(
      h('th', { class: 'gutter', scope: 'col' }, '#'),
      ...this.columns.map((c, i) => {
        const active = this.sort?.column === c.name;
        const button = h(
          'button',
          {
            type: 'button',
            class: `col-head align-${this.formats[i]!.align}${active ? ' sorted' : ''}`,
            title: t('results.sortBy', { column: c.name }),
            'data-col': i,
          },
          h('span', { class: 'col-name' }, c.name),
          h('span', { class: 'col-type' }, shortType(c.type)),
          active ? icon(this.sort?.desc ? 'sortDesc' : 'sortAsc', 12) : null,
        );
        button.addEventListener('click', () => this.toggleSort(c.name));
        return h('th', { scope: 'col', 'aria-sort': active ? (this.sort?.desc ? 'descending' : 'ascending') : null }, button);
      }),
      h('th', { class: 'filler', 'aria-hidden': 'true' }),
    );
  }

  private toggleSort(column: string): void {
    const current = this.sort?.column === column ? this.sort : undefined;
    // Ascending, then descending, then the query's own order.
    const next: SortSpec | undefined = !current ? { column, desc: false } : !current.desc ? { column, desc: true } : undefined;
    this.options.onSort?.(next);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  private renderRows(): void {
    const viewport = (this.element.clientHeight || MAX_VISIBLE_ROWS * ROW_HEIGHT + HEADER_HEIGHT) - HEADER_HEIGHT;
    const { start, end } = visibleRange(this.element.scrollTop, viewport, this.rowCount);
    if (start === this.rendered.start && end === this.rendered.end) return;
    this.rendered = { start, end };
    const rows: HTMLTableRowElement[] = [];
    if (start > 0) rows.push(spacer(start * ROW_HEIGHT, this.columns.length + 2));
    for (let r = start; r < end; r++) rows.push(this.renderRow(r));
    if (end < this.rowCount) rows.push(spacer((this.rowCount - end) * ROW_HEIGHT, this.columns.length + 2));
    this.body.replaceChildren(...rows);
  }

  private renderRow(r: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.row = String(r);
    const gutter = document.createElement('td');
    gutter.className = 'gutter';
    gutter.textContent = String(r + 1);
    tr.appendChild(gutter);
    const row = this.rowAt(r);
    for (let c = 0; c < this.columns.length; c++) {
      const td = document.createElement('td');
      const v = this.vectors[c]?.get(row);
      const fmt = this.formats[c]!;
      td.dataset.col = String(c);
      if (v === null || v === undefined) {
        td.className = 'null';
        td.textContent = 'NULL';
      } else {
        const text = fmt.display(v);
        td.className = `align-${fmt.align}`;
        td.textContent = text;
        if (text.length > 24) td.title = text;
      }
      if (this.selected && this.selected.row === r && this.selected.col === c) td.classList.add('selected');
      tr.appendChild(td);
    }
    const filler = document.createElement('td');
    filler.className = 'filler';
    tr.appendChild(filler);
    return tr;
  }

  private onClick(e: MouseEvent): void {
    const td = (e.target as HTMLElement).closest('td[data-col]') as HTMLTableCellElement | null;
    const tr = td?.parentElement as HTMLTableRowElement | null;
    if (!td || !tr?.dataset.row) return;
    this.select({ row: Number(tr.dataset.row), col: Number(td.dataset.col) });
  }

  private select(cell: CellRef | undefined): void {
    this.selected = cell;
    this.element.querySelectorAll('td.selected').forEach((el) => el.classList.remove('selected'));
    if (cell) {
      const td = this.element.querySelector(`tr[data-row="${cell.row}"] td[data-col="${cell.col}"]`);
      td?.classList.add('selected');
      this.scrollIntoView(cell.row);
    }
    this.options.onSelect?.(cell);
  }

  private scrollIntoView(row: number): void {
    // Row tops are measured from the body's start, under the sticky header.
    const top = row * ROW_HEIGHT;
    const view = this.element.clientHeight - HEADER_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
  }

  private onKey(e: KeyboardEvent): void {
    const sel = this.selected;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c' && sel) {
      e.preventDefault();
      this.element.dispatchEvent(new CustomEvent('copy-cell', { bubbles: true, detail: sel }));
      return;
    }
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[e.key];
    if (!move || this.rowCount === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const from = sel ?? { row: 0, col: 0 };
    const next = sel
      ? { row: clamp(from.row + move[0], 0, this.rowCount - 1), col: clamp(from.col + move[1], 0, this.columns.length - 1) }
      : from;
    this.select(next);
  }
}

function spacer(height: number, span: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = 'spacer';
  tr.setAttribute('aria-hidden', 'true');
  const td = document.createElement('td');
  td.colSpan = span;
  td.style.height = `${height}px`;
  tr.appendChild(td);
  return tr;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** DuckDB type names shortened for a header: `DECIMAL(18,2)` stays, `TIMESTAMP WITH TIME ZONE` → `TIMESTAMPTZ`. */
export function shortType(type: string): string {
  return type.replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ').toLowerCase();
}
