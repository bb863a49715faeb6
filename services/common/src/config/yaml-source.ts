import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A parsed YAML file that can say on which line each value was written. */
export type YamlSource = {
  data: unknown;
  /** The line of the key at `path`; for a missing key, the line of the nearest parent present. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
};

export type YamlSyntaxError = { line?: number; message: string };

export type YamlParseResult = { ok: true; source: YamlSource } | { ok: false; errors: YamlSyntaxError[] };

function syntaxError(err: { message: string; linePos?: [{ line: number }, ...unknown[]] }): YamlSyntaxError {
  // The library appends " at line N, column M:" and a code excerpt; the line goes in its own field.
  const message = err.message.split(/ at line \d+, column \d+/)[0].split('\n')[0].trim();
  return { line: err.linePos?.[0].line, message: `invalid YAML: ${message}` };
}

/**
 * Parses YAML keeping where each key was written, for messages like `file:14 key: problem`.
 * Duplicate keys are an error rather than last-one-wins. The version is the caller's choice:
 * config.yaml is read as PyYAML (the original's parser) reads it, YAML 1.1, where `yes`/`no`
 * are booleans; an empty document gives `null`.
 */
export function parseYamlSource(text: string, options: { version: '1.1' | '1.2' }): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: options.version, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) return { ok: false, errors: doc.errors.map(syntaxError) };
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  return {
    ok: true,
    source: { data: doc.toJS() ?? null, lineOf: (path) => findLine(doc, path, lineAt) },
  };
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function findLine(doc: Document, path: readonly PropertyKey[], lineAt: (offset: number) => number): number | undefined {
  let node = resolve(doc, doc.contents);
  let line = (node as Node | null)?.range ? lineAt((node as Node).range![0]) : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair || !isScalar(pair.key) || !pair.key.range) return line;
      line = lineAt(pair.key.range[0]);
      node = resolve(doc, pair.value);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = resolve(doc, node.items[key]) as Node | undefined;
      if (!item?.range) return line;
      line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}
