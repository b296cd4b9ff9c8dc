/**
 * The README's configuration table and core/config.ts name the same environment variables:
 * a variable added to one and not the other fails here.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function readVariables(): string[] {
  const src = fs.readFileSync(path.join(ROOT, 'core/config.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of src.matchAll(/env\.([A-Z][A-Z0-9_]+)|Var\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(m[1] ?? m[2]);
  return [...names].sort();
}

function documentedVariables(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 3));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split('|')[1];
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]);
  }
  return [...names].sort();
}

describe('configuration variables', () => {
  it('are the ones the README documents', () => {
    const read = readVariables();
    expect(read).toEqual(expect.arrayContaining(['PORT', 'METRICS_LISTEN', 'SYNC_FILE_DIR', 'SYNC_SOURCE_HOSTS']));
    expect(documentedVariables()).toEqual(read);
  });
});
