/** The production entry point reaches no demo code; the features import no composition code. */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

/** Every module `file` reaches through relative imports, itself included. */
function reach(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    if (next) reach(next, seen);
  }
  return seen;
}

const rel = (f: string) => path.relative(ROOT, f);

test('dprs serve imports no demo code', () => {
  const reached = [...reach(path.join(ROOT, 'scripts/commands/serve.ts'))].map(rel);
  expect(reached).toContain('scripts/app/app.ts');
  expect(reached.filter((f) => f.startsWith('scripts/demo/') || /demo/.test(path.basename(f)))).toEqual([]);
});

test('gateway/, catalog/ and adapters/ do not import the composition root', () => {
  const offenders: string[] = [];
  for (const dir of ['gateway', 'catalog', 'adapters']) {
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /from '[^']*scripts\//.test(fs.readFileSync(p, 'utf8'))) offenders.push(rel(p));
      }
    };
    walk(path.join(ROOT, dir));
  }
  expect(offenders).toEqual([]);
});
