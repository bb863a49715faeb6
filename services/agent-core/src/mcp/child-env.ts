/**
 * The only variables of the gateway's own environment a stdio MCP server inherits. The gateway's
 * environment holds provider keys and platform tokens, and an MCP server is third-party code.
 */
export const INHERITED_ENV_VARS = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/**
 * The environment of a stdio MCP server: the allow-listed host variables, then the server's own
 * `env` from config.yaml (which wins).
 *
 * Note: the SDK's StdioClientTransport adds its own defaults (HOME, LOGNAME, PATH, SHELL, TERM,
 * USER on POSIX) underneath whatever we pass; none of those is a secret.
 */
export function childEnv(
  hostEnv: Readonly<Record<string, string | undefined>>,
  serverEnv: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV_VARS) {
    const value = hostEnv[key];
    // A value starting with "()" is an exported shell function: never pass one on.
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...serverEnv };
}
