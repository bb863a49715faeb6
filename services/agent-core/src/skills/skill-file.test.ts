import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { thrownAppError, FIXTURE_HOME } from '@cliver/testkit';
import { parseSkillFile } from './skill-file';

const FIXTURE = join(FIXTURE_HOME, 'skills', 'release-notes', 'SKILL.md');

describe('parseSkillFile', () => {
  it('reads the fixture skill of the original CLIver unchanged', () => {
    const skill = parseSkillFile(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    expect(skill).toEqual({
      name: 'release-notes',
      description: 'Write release notes from a list of changes, grouped by kind.',
      license: 'MIT',
      compatibility: undefined,
      metadata: { author: 'example' },
      allowedTools: ['Read', 'Grep'],
      body: '# Release notes\n\nGroup changes into Added, Changed, Fixed. One line per change, user-facing words.',
    });
  });

  it('accepts allowed-tools as a list, and comma-separated names', () => {
    expect(parseSkillFile('---\nname: a\nallowed-tools:\n  - Read\n  - Bash\n---\nbody', 'x').allowedTools).toEqual(['Read', 'Bash']);
    expect(parseSkillFile('---\nname: a\nallowed-tools: Read, Grep\n---\n', 'x').allowedTools).toEqual(['Read', 'Grep']);
  });

  it('defaults optional fields and keeps keys of other agents without failing', () => {
    const skill = parseSkillFile('---\r\nname: a\r\nmodel: claude\r\n---\r\nDo it.\r\n', 'x');
    expect(skill).toMatchObject({ name: 'a', description: '', metadata: {}, allowedTools: [], body: 'Do it.' });
  });

  it('names the file and the field when name is missing', () => {
    const err = thrownAppError(() => parseSkillFile('---\ndescription: d\n---\nbody', '/s/SKILL.md'));
    expect(err.code).toBe('invalid_argument');
    expect(err.field).toBe('name');
    expect(err.message).toBe('/s/SKILL.md: name: is required');
  });

  it('names the field of a wrong type', () => {
    const err = thrownAppError(() => parseSkillFile('---\nname: a\nmetadata: [1]\n---\n', '/s/SKILL.md'));
    expect(err.field).toBe('metadata');
    expect(err.message).toMatch(/^\/s\/SKILL\.md: metadata: /);
    expect(thrownAppError(() => parseSkillFile('---\nname: a\nallowed-tools: 3\n---\n', 'f')).field).toBe('allowed-tools');
  });

  it('refuses a file without frontmatter or with broken YAML', () => {
    expect(thrownAppError(() => parseSkillFile('# Just markdown', 'f')).field).toBe('frontmatter');
    const err = thrownAppError(() => parseSkillFile('---\nname: [a\n---\n', '/s/SKILL.md'));
    expect(err.field).toBe('frontmatter');
    expect(err.message).toContain('/s/SKILL.md: frontmatter: invalid YAML');
    expect(thrownAppError(() => parseSkillFile('---\n- a\n---\n', 'f')).message).toContain('expected a mapping');
  });
});
