/** The kernel imports nothing of the features: everything may import core/, core/ only itself. */
import fs from 'node:fs';
import path from 'node:path';

const CORE = path.join(__dirname, '../../core');

test('core/ imports only core/ and packages', () => {
  const offenders: string[] = [];
  for (const file of fs.readdirSync(CORE).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(CORE, file), 'utf8');
    for (const m of text.matchAll(/from '(\.[^']*)'/g)) {
      if (!path.resolve(CORE, m[1]).startsWith(CORE + path.sep)) offenders.push(`${file} → ${m[1]}`);
    }
  }
  expect(offenders).toEqual([]);
});
