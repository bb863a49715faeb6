import { renderTemplates } from './template';

function renderOne(src: string, env: Record<string, string | undefined> = {}) {
  const result = renderTemplates({ v: src }, env);
  return { value: (result.value as { v: string }).v, uses: result.uses, failures: result.failures };
}

describe('renderTemplates', () => {
  const env = { NAME: 'alice', EMPTY: '' };

  it.each([
    ['{{env.NAME}}', 'alice'],
    ['{{ env.NAME }}', 'alice'],
    ["{{ env['NAME'] }}", 'alice'],
    ["{{ env.NAME | default('x') }}", 'alice'],
    ["{{ env.NAME or 'x' }}", 'alice'],
    ["{{ env.MISSING | default('x') }}", 'x'],
    ["{{ env.MISSING or 'x' }}", 'x'],
    ["{{ env.EMPTY or 'x' }}", 'x'],
    ['Bearer {{ env.NAME }}', 'Bearer alice'],
  ])('renders %s as %j', (src, expected) => {
    expect(renderOne(src, env)).toEqual({ value: expected, uses: [], failures: [] });
  });

  it('renders an unset variable as "" and records it against the value path', () => {
    const result = renderTemplates({ gateway: { api_key: '{{ env.CLIVER_API_KEY }}' } }, {});
    expect(result.value).toEqual({ gateway: { api_key: '' } });
    expect(result.uses).toEqual([
      { path: ['gateway', 'api_key'], missingEnv: ['CLIVER_API_KEY'], usesKeyring: false, rendered: '' },
    ]);
  });

  it('does not count a variable with an explicit fallback as missing, even an empty one', () => {
    expect(renderOne("{{ env.ANTHROPIC_API_KEY | default('') }}").uses).toEqual([]);
    expect(renderOne("{{ env.T or '' }}").uses).toEqual([]);
  });

  it('records list entries by index', () => {
    const result = renderTemplates({ users: ['a', '{{ env.ADMIN }}'] }, {});
    expect(result.uses.map((u) => u.path)).toEqual([['users', 1]]);
  });

  it('accepts keyring() but renders it as "" and flags it', () => {
    const { value, uses } = renderOne("{{ keyring('cliver', 'openai') }}");
    expect(value).toBe('');
    expect(uses).toEqual([{ path: ['v'], missingEnv: [], usesKeyring: true, rendered: '' }]);
  });

  it('reports a syntax error against the value path and keeps the raw text', () => {
    const result = renderTemplates({ gateway: { api_key: '{{ env.X ' } }, {});
    expect(result.failures).toEqual([{ path: ['gateway', 'api_key'], message: 'invalid template: expected variable end' }]);
    expect(result.value).toEqual({ gateway: { api_key: '{{ env.X ' } });
  });

  it('reports a call to an unknown function as a template failure', () => {
    expect(renderOne('{{ vault("x") }}').failures[0].message).toBe(
      'invalid template: Unable to call `vault`, which is undefined or falsey',
    );
  });

  it('does not escape HTML and leaves non-template strings and other scalars alone', () => {
    const result = renderTemplates({ a: '{{ env.H }}', b: 'plain {text}', c: 3, d: true, e: null }, { H: '<b>&' });
    expect(result.value).toEqual({ a: '<b>&', b: 'plain {text}', c: 3, d: true, e: null });
  });

  it('does not expose object prototype members as variables', () => {
    expect(renderOne('{{ env.constructor }}').value).toBe('');
  });
});
