import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document, type Node } from 'yaml';

/** A parsed YAML file that can say on which line each key was written. */
export interface YamlText {
  data: unknown;
  /** The line of the key at `path`; for a missing key, the line of the nearest parent present. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export type YamlParseResult = { ok: true; yaml: YamlText } | { ok: false; line?: number; message: string };

/**
 * Task files are read as YAML 1.2 (the library default), unlike config.yaml: no task field is a
 * boolean, and 1.1 would turn `run_at: 2026-12-01T09:00:00` into a UTC Date (losing "naive = the
 * task's time zone") and `12:30` into the number 750. Duplicate keys are an error.
 */
export function parseYamlText(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    // The library appends " at line N, column M:" and a code excerpt; the line is reported apart.
    const message = error.message.split(/ at line \d+, column \d+/)[0]!.split('\n')[0]!.trim();
    return { ok: false, line: error.linePos?.[0].line, message: `invalid YAML: ${message}` };
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  return { ok: true, yaml: { data: doc.toJS() ?? null, lineOf: (path) => findLine(doc, path, lineAt) } };
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

/**
 * Task YAML as the original wrote it (PyYAML `dump`: keys sorted, lists not indented, strings
 * that YAML 1.1 would read as something else quoted with single quotes), so a file we write reads
 * the same in the original CLIver and in a diff against one it wrote.
 */
export function stringifyTaskYaml(data: Record<string, unknown>): string {
  return stringify(data, { version: '1.1', sortMapEntries: true, indentSeq: false, singleQuote: true });
}
