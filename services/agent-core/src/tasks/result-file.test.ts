import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newExecutionId, resultFilePath, writeResultFile } from './result-file';

describe('result files', () => {
  it('makes execution ids of 8 hex characters', () => {
    const ids = Array.from({ length: 20 }, newExecutionId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes tasks/<name>/<name>_execution_<id>.json, pretty-printed UTF-8, in the original field order', () => {
    const tasksDir = join(mkdtempSync(join(tmpdir(), 'cliver-results-')), 'tasks');
    const path = writeResultFile(tasksDir, {
      error: null,
      result: 'Résumé: 3 PRs merged ✓',
      finished_at: '2026-04-25T17:00:09+08:00',
      started_at: '2026-04-25T17:00:00+08:00',
      status: 'completed',
      execution_id: '0a1b2c3d',
      task_name: 'daily_report',
    });
    expect(path).toBe(join(tasksDir, 'daily_report', 'daily_report_execution_0a1b2c3d.json'));
    expect(readFileSync(path, 'utf8')).toBe(
      [
        '{',
        '  "task_name": "daily_report",',
        '  "execution_id": "0a1b2c3d",',
        '  "status": "completed",',
        '  "started_at": "2026-04-25T17:00:00+08:00",',
        '  "finished_at": "2026-04-25T17:00:09+08:00",',
        '  "result": "Résumé: 3 PRs merged ✓",',
        '  "error": null',
        '}',
        '',
      ].join('\n'),
    );
    expect(readdirSync(join(tasksDir, 'daily_report'))).toEqual(['daily_report_execution_0a1b2c3d.json']);
  });

  it('refuses a task name or execution id that would leave the task folder', () => {
    expect(() => resultFilePath('/t', '../etc', '0a1b2c3d')).toThrow('"../etc" is not a task name');
    expect(() => resultFilePath('/t', 'x', '../../a')).toThrow('execution_id "../../a" is not 8 hex characters');
  });
});
