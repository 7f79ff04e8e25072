/**
 * A small JSON reader that remembers the line of every key, so that a chart block edited by
 * hand in a notebook file gets errors like `line 4: x.aggregate: unknown aggregate "avg"`.
 * JSON.parse reports positions differently in every engine, and not the line of a key whose
 * value is well-formed JSON but a wrong chart option.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface LocatedJson {
  value: JsonValue;
  /** 1-based line of each member, by dotted path (`x.bin.interval`, `title`); `''` is the root. */
  lines: ReadonlyMap<string, number>;
}

/** Thrown on malformed JSON; `line` is 1-based. */
export class JsonSyntaxError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'JsonSyntaxError';
  }
}

const MAX_DEPTH = 32;

/** Parses strict JSON (RFC 8259), recording the line of every object member. */
export function parseJsonWithLines(text: string): LocatedJson {
  const lines = new Map<string, number>();
  let i = 0;

  const lineAt = (at: number): number => {
    let n = 1;
    for (let k = 0; k < at && k < text.length; k++) if (text.charCodeAt(k) === 10) n++;
    return n;
  };
  const fail = (detail: string, at = i): never => {
    throw new JsonSyntaxError(lineAt(at), detail);
  };
  const skip = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of text' : JSON.stringify(text[i]));

  const value = (path: string, depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skip();
    const c = text[i];
    if (c === '{') return object(path, depth);
    if (c === '[') return array(path, depth);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`expected a value, found ${describe()}`);
  };

  const object = (path: string, depth: number): JsonValue => {
    // No prototype: a "__proto__" key is an ordinary (and, for a chart, unknown) key.
    const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
    i++;
    skip();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skip();
      if (text[i] !== '"') fail(`expected a quoted key, found ${describe()}`);
      const keyAt = i;
      const key = string();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`key "${key}" appears twice`, keyAt);
      const childPath = path === '' ? key : `${path}.${key}`;
      lines.set(childPath, lineAt(keyAt));
      skip();
      if (text[i] !== ':') fail(`expected ":" after "${key}", found ${describe()}`);
      i++;
      out[key] = value(childPath, depth + 1);
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(`expected "," or "}", found ${describe()}`);
    }
  };

  const array = (path: string, depth: number): JsonValue => {
    const out: JsonValue[] = [];
    i++;
    skip();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(`${path}[${out.length}]`, depth + 1));
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(`expected "," or "]", found ${describe()}`);
    }
  };

  const string = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return fail('unterminated string', start);
      if (c === '"') {
        i++;
        return out;
      }
      if (c < ' ') fail('control character in a string');
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        fail('bad escape in a string');
      }
    }
  };

  const number = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail(`bad number at ${describe()}`);
    i += m[0].length;
    return Number(m[0]);
  };

  skip();
  lines.set('', lineAt(i));
  const root = value('', 0);
  skip();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the value`);
  return { value: root, lines };
}
