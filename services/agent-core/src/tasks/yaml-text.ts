import { stringify } from 'yaml';
import { parseYamlSource, type YamlSource } from '@cliver/common';

/** A parsed YAML file that can say on which line each key was written. */
export type YamlText = YamlSource;

export type YamlParseResult = { ok: true; yaml: YamlText } | { ok: false; line?: number; message: string };

/**
 * Task files are read as YAML 1.2 (the library default), unlike config.yaml: no task field is a
 * boolean, and 1.1 would turn `run_at: 2026-12-01T09:00:00` into a UTC Date (losing "naive = the
 * task's time zone") and `12:30` into the number 750. Duplicate keys are an error.
 */
export function parseYamlText(text: string): YamlParseResult {
  const parsed = parseYamlSource(text, { version: '1.2' });
  if (!parsed.ok) return { ok: false, ...parsed.errors[0]! };
  return { ok: true, yaml: parsed.source };
}

/**
 * Task YAML as the original wrote it (PyYAML `dump`: keys sorted, lists not indented, strings
 * that YAML 1.1 would read as something else quoted with single quotes), so a file we write reads
 * the same in the original CLIver and in a diff against one it wrote.
 */
export function stringifyTaskYaml(data: Record<string, unknown>): string {
  return stringify(data, { version: '1.1', sortMapEntries: true, indentSeq: false, singleQuote: true });
}
