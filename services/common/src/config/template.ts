import nunjucks from 'nunjucks';

// Every string in config.yaml may hold a Jinja expression, rendered once at start, as the
// original did: {{ env.NAME }}, {{ env['NAME'] }}, {{ env.NAME | default('x') }}, {{ env.NAME or 'x' }}.

/** What rendering one templated string found out. */
export type TemplateUse = {
  path: PropertyKey[];
  /** Referenced env variables that are unset and have no `default(…)`/`or` fallback. */
  missingEnv: string[];
  /** It calls `keyring(…)`, which the original supported and we do not. */
  usesKeyring: boolean;
  rendered: string;
};

/** A string that is not a valid template, or failed while rendering. */
export type TemplateFailure = { path: PropertyKey[]; message: string };

export type RenderResult = { value: unknown; uses: TemplateUse[]; failures: TemplateFailure[] };

type TemplateNode = { typename: string; fields: string[]; value?: unknown; [field: string]: unknown };
type EnvRef = { name: string; hasFallback: boolean };

// nunjucks exports its parser but @types/nunjucks does not describe it.
const parser = (nunjucks as unknown as { parser: { parse(src: string): TemplateNode } }).parser;

function children(node: TemplateNode): TemplateNode[] {
  return node.fields.flatMap((field) => {
    const child = node[field];
    if (Array.isArray(child)) return child as TemplateNode[];
    return child && typeof child === 'object' && 'typename' in child ? [child as TemplateNode] : [];
  });
}

function symbolName(node: unknown): string | undefined {
  const n = node as TemplateNode | undefined;
  return n?.typename === 'Symbol' ? String(n.value) : undefined;
}

/**
 * The env variables a template reads, and whether each read has a fallback the author chose
 * (`| default(…)`, `or …`, an `if` test): an unset variable with a fallback is intended.
 */
function scanTemplate(node: TemplateNode, hasFallback = false): { refs: EnvRef[]; usesKeyring: boolean } {
  const refs: EnvRef[] = [];
  let usesKeyring = false;
  const visit = (n: TemplateNode, covered: boolean): void => {
    if (n.typename === 'LookupVal' && symbolName(n.target) === 'env') {
      const key = n.val as TemplateNode;
      if (key.typename === 'Literal') refs.push({ name: String(key.value), hasFallback: covered });
      return;
    }
    if (n.typename === 'FunCall' && symbolName(n.name) === 'keyring') usesKeyring = true;
    if (n.typename === 'Filter' && ['default', 'd'].includes(symbolName(n.name) ?? '')) {
      const [first, ...rest] = children(n.args as TemplateNode);
      if (first) visit(first, true);
      rest.forEach((c) => visit(c, covered));
      return;
    }
    if (n.typename === 'Or') {
      visit(n.left as TemplateNode, true);
      visit(n.right as TemplateNode, covered);
      return;
    }
    if (n.typename === 'If' || n.typename === 'InlineIf') {
      visit(n.cond as TemplateNode, true);
      children(n).filter((c) => c !== n.cond).forEach((c) => visit(c, covered));
      return;
    }
    children(n).forEach((c) => visit(c, covered));
  };
  visit(node, hasFallback);
  return { refs, usesKeyring };
}

function templateErrorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .replace(/^\(unknown path\)( \[Line \d+, Column \d+\])?\s*/, '')
    .replace(/^Error: /, '')
    .trim();
}

function looksTemplated(value: string): boolean {
  return value.includes('{{') || value.includes('{%') || value.includes('{#');
}

/**
 * Renders every string in `value` (a parsed YAML document) once, with `env` as the only data.
 * Unset variables render as "" (as in the original); the caller decides what that means for the
 * field, using `uses`. `keyring(…)` renders as "".
 */
export function renderTemplates(value: unknown, env: Record<string, string | undefined>): RenderResult {
  const engine = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  engine.addGlobal('keyring', () => '');
  const vars: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(env)) if (v !== undefined) vars[k] = v;
  const context = { env: vars };
  const uses: TemplateUse[] = [];
  const failures: TemplateFailure[] = [];

  const renderString = (src: string, path: PropertyKey[]): string => {
    if (!looksTemplated(src)) return src;
    try {
      const { refs, usesKeyring } = scanTemplate(parser.parse(src));
      const rendered = engine.renderString(src, context);
      const missing = refs.filter((r) => !r.hasFallback && vars[r.name] === undefined).map((r) => r.name);
      if (missing.length || usesKeyring) uses.push({ path, missingEnv: [...new Set(missing)], usesKeyring, rendered });
      return rendered;
    } catch (err) {
      failures.push({ path, message: `invalid template: ${templateErrorText(err)}` });
      return src;
    }
  };
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return renderString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(value, []), uses, failures };
}
