/** The README's result-code table and the one catalogue in core/result-codes.ts list the same codes. */
import fs from 'node:fs';
import path from 'node:path';
import { RESULT_CODES } from '../../core/result-codes';

it('README lists exactly the catalogue of result codes', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| (\d{3}) \| (\S+) \|$/gm)].map((m) => [m[1], m[2]]);
  expect(rows).toEqual(Object.values(RESULT_CODES).map((c) => [c.code, c.msg]));
});
