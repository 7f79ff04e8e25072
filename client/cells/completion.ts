/**
 * Autocomplete for SQL cells from what the notebook knows: datasets and their columns,
 * other cells' names and result columns, DuckDB's functions and keywords.
 */
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';
import type { Column } from '../api/datasets.js';
import { relationsIn, resolveQualifier } from './sql-scope.js';

/** A relation the analyst may read: a dataset, or a cell (columns known once it ran). */
export interface Relation {
  name: string;
  kind: 'dataset' | 'cell';
  columns: Column[];
}

export interface Vocabulary {
  relations: Relation[];
  functions: string[];
  keywords: string[];
}

const NO_COMPLETION_NODES = new Set(['String', 'LineComment', 'BlockComment', 'QuotedIdentifier', 'Number']);

/** Builds the completion source; `vocabulary` is read on every request, so it may change. */
export function sqlCompletion(vocabulary: () => Vocabulary): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const node = syntaxTree(context.state).resolveInner(context.pos, -1);
    if (NO_COMPLETION_NODES.has(node.name)) return null;
    const vocab = vocabulary();
    const text = context.state.doc.toString();
    const refs = relationsIn(text);
    const byName = new Map(vocab.relations.map((r) => [r.name.toLowerCase(), r]));

    const dotted = context.matchBefore(/[A-Za-z_][\w$]*\.[\w$]*$/);
    if (dotted) {
      const qualifier = dotted.text.slice(0, dotted.text.indexOf('.'));
      const relation = byName.get((resolveQualifier(qualifier, refs) ?? qualifier).toLowerCase());
      if (!relation) return null;
      return { from: dotted.from + qualifier.length + 1, options: relation.columns.map((c) => columnOption(c, relation.name, 10)), validFor: /^[\w$]*$/ };
    }

    const word = context.matchBefore(/[\w$]+$/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    const options: Completion[] = [];
    const seen = new Set<string>();
    const add = (c: Completion) => {
      const key = `${c.type}:${c.label.toLowerCase()}`;
      if (!seen.has(key)) {
        seen.add(key);
        options.push(c);
      }
    };
    // Columns of the relations this cell reads come first: they are what a SELECT list wants.
    for (const ref of refs) {
      const relation = byName.get(ref.name.toLowerCase());
      if (relation) for (const c of relation.columns) add(columnOption(c, relation.name, 6));
    }
    const afterFrom = /\b(from|join)\s+[\w$]*$/i.test(text.slice(Math.max(0, from - 40), context.pos));
    for (const r of vocab.relations) {
      add({ label: r.name, type: r.kind === 'cell' ? 'class' : 'type', detail: r.kind === 'cell' ? 'cell' : 'dataset', boost: afterFrom ? 20 : 4 });
    }
    if (!afterFrom) {
      for (const f of vocab.functions) add({ label: f, type: 'function', boost: -1 });
      for (const k of vocab.keywords) add({ label: k.toUpperCase(), type: 'keyword', boost: -2 });
    }
    return { from, options, validFor: /^[\w$]*$/ };
  };
}

function columnOption(c: Column, relation: string, boost: number): Completion {
  return { label: c.name, type: 'property', detail: `${c.type.toLowerCase()} · ${relation}`, boost };
}
