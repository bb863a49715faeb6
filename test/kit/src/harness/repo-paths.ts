import { join, resolve } from 'node:path';

/** The repository root, from src/ (ts under jest) or dist/ (compiled) alike. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const CLIVER_BIN = join(REPO_ROOT, 'services', 'cli', 'bin', 'cliver.js');

export function serviceMain(service: string): string {
  return join(REPO_ROOT, 'services', service, 'dist', 'main.js');
}
