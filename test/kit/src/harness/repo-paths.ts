import { join, resolve } from 'node:path';

/** The repository root, from src/ (ts under jest) or dist/ (compiled) alike. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const CLIVER_BIN = join(REPO_ROOT, 'services', 'cli', 'bin', 'cliver.js');

export function serviceMain(service: string): string {
  return join(REPO_ROOT, 'services', service, 'dist', 'main.js');
}

/**
 * A `$CLIVER_CONF_DIR` home in the original CLIver's formats (config, skills, tasks, workflows,
 * identity, memory) that must load unchanged. Tests copy it before changing anything in it.
 */
export const FIXTURE_HOME = join(REPO_ROOT, 'test', 'fixtures', 'cliver-home');
