/**
 * fast-check arbitraries for the fuzz suites: parameter values that look valid, are nearly
 * valid, or are hostile (huge, unicode-heavy, SQL metacharacters, wrong types), and the
 * parameter names each lookup method takes.
 */
import fc from 'fast-check';
import { orgCodeCheckChar } from '../../schemas/checksums';
import type { RunningServer } from '../../scripts/app/server';
import type { TestContext } from './context';
import type { Fixtures } from './lookups';
import { testGateway } from './gateway';
import { tableCounts, tableDigest } from './hostile';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 11643 check character of 17 digits. */
export function idCheck(body17: string): string {
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0);
  return '10X98765432'[sum % 11];
}

/** GB 32100 check character of 17 code characters. */
export function creditCheck(body17: string): string {
  const sum = [...body17].reduce((s, c, i) => s + CC_CHARS.indexOf(c) * CC_WEIGHTS[i], 0);
  return CC_CHARS[(31 - (sum % 31)) % 31];
}

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const ccChars = (n: number) => fc.array(fc.constantFrom(...CC_CHARS), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Digits rewritten in another script: full-width, Arabic-Indic, mathematical bold (astral). */
const FOREIGN_DIGITS = [0xff10, 0x0660, 0x1d7ce];
const foreignDigits = (s: string, base: number) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(base + Number(d)));

function wrongCheck(value: string, valid: string, alphabet: string): string {
  const last = value[value.length - 1];
  const other = [...alphabet].find((c) => c !== last && c !== valid) ?? '0';
  return value.slice(0, -1) + other;
}

export const validIdNumber = fc
  .tuple(fc.constantFrom('370306', '370303', '110101'), fc.integer({ min: 1930, max: 2020 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), digits(3))
  .map(([area, y, m, d, seq]) => {
    const body = `${area}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
    return body + idCheck(body);
  });

export const idNumber: fc.Arbitrary<string> = fc.oneof(
  validIdNumber,
  validIdNumber.map((v) => wrongCheck(v, idCheck(v.slice(0, 17)), '0123456789X')),
  validIdNumber.map((v) => v.slice(0, 15)), // a legacy-looking length
  validIdNumber.chain((v) => fc.integer({ min: 0, max: 25 }).map((n) => (v + v).slice(0, n))), // wrong lengths
  validIdNumber.map((v) => v.toLowerCase().replace('X', 'x')),
  validIdNumber.chain((v) => fc.constantFrom(...FOREIGN_DIGITS).map((b) => foreignDigits(v, b))),
  validIdNumber.map((v) => ` ${v}\t`),
);

/** positions 9–17 hold a GB 11714 organisation code with its own check character */
export const validCreditCode = fc
  .tuple(ccChars(8), ccChars(8))
  .map(([head, org]) => head + org + orgCodeCheckChar(org))
  .map((b) => b + creditCheck(b));

export const creditCode: fc.Arbitrary<string> = fc.oneof(
  validCreditCode,
  validCreditCode.map((v) => wrongCheck(v, creditCheck(v.slice(0, 17)), CC_CHARS)),
  validCreditCode.chain((v) => fc.integer({ min: 0, max: 30 }).map((n) => (v + v).slice(0, n))),
  validCreditCode.map((v) => v.toLowerCase()),
  validCreditCode.map((v) => v.replace(/[A-Z0-9]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x20 + 0xff00))), // full-width
  validCreditCode.map((v) => v.slice(0, 10) + 'IOZSV'[v.length % 5] + v.slice(11)), // letters outside the charset
);

export const SQL_METACHARACTERS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  "'; DROP TABLE population; --",
  '"; DROP TABLE licence; --',
  "1; DELETE FROM legal_entity",
  "x' UNION SELECT gmsfzh, xm FROM population --",
  "\\'; --",
  '%',
  '_',
  '%_%',
  '`id`',
  "admin'/*",
  '*/ OR 1=1',
  '0x31303235343830303536',
  "' AND SLEEP(5) --",
  "'||(SELECT sqlite_version())||'",
];

const SPECIAL = ['\u0000', '\u202e', '\u200f', '\u200b', '\ufeff', '\ud800', '\udfff', '\ud83d\ude00', '👨‍👩‍👧‍👦', '🇨🇳', 'ﷺ', '\u0301', '\r\n', '\\', '"', '<', '&', ']]>'];

/** Text heavy in unicode trouble: emoji, RTL and zero-width marks, NUL, lone surrogates. */
export const unicodeHeavy: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // any code point, lone surrogates included
  fc.array(fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ maxLength: 3 })), { maxLength: 20 }).map((a) => a.join('')),
  fc.tuple(fc.constantFrom('张三', '王小明', '阿卜杜勒·阿齐兹', 'محمد'), fc.constantFrom(...SPECIAL)).map(([a, b]) => a + b),
);

/** Strings around and beyond the body limit (built by repetition, so cheap). */
export function hugeString(bodyLimit: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(1000, 70000, bodyLimit - 200, bodyLimit + 10, bodyLimit * 2), fc.constantFrom('x', '张', '😀', "'"))
    .map(([n, c]) => c.repeat(Math.max(1, Math.floor(n / Buffer.byteLength(c)))));
}

export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
  fc.constant({}),
  fc.constant([]),
);

/** Any one parameter value, mostly strings of the kinds above. */
export function paramValue(known: fc.Arbitrary<string>, bodyLimit: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: known, weight: 6 },
    { arbitrary: idNumber, weight: 3 },
    { arbitrary: creditCode, weight: 2 },
    { arbitrary: unicodeHeavy, weight: 3 },
    { arbitrary: fc.constantFrom(...SQL_METACHARACTERS), weight: 2 },
    { arbitrary: wrongType, weight: 2 },
    { arbitrary: fc.constant(''), weight: 1 },
    { arbitrary: hugeString(bodyLimit), weight: 1 },
  );
}

/** The parameters each lookup method reads. */
export const METHOD_PARAMS: Record<string, string[]> = {
  getRKZP: ['xm', 'gmsfzh'],
  getRKHY: ['xm', 'gmsfzh'],
  batchRKHY: ['items'],
  getFRXX: ['tyshxydm', 'jgmc'],
  getDZZZ: ['zzbh', 'czztdm', 'zzlxdm'],
  getDZZZHY: ['zzbh', 'czztdm'],
};

export const EXTRA_KEYS = ['extra', 'XM', 'GMSFZH', 'callback', '__proto__', 'constructor', 'toString', '$where', 'items'];

/**
 * An object of some of the method's parameters (any may be missing), sometimes with extra
 * keys, each value from `value`. Built with defineProperty so `__proto__` is an own key.
 */
export function paramsObject(names: string[], value: (name: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const entries = [...names.map((n) => [n, value(n)] as const)];
  return fc
    .tuple(
      fc.tuple(...entries.map(([n, v]) => fc.option(v.map((x) => [n, x] as const), { freq: 6 }))),
      fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), fc.oneof(fc.string({ maxLength: 8 }), wrongType)), { maxLength: 2 }),
      fc.nat(9),
    )
    .map(([known, extra, dice]) => {
      const o: Record<string, unknown> = {};
      const put = (k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      for (const e of known) if (e) put(e[0], e[1]);
      if (dice === 0) for (const [k, v] of extra) put(k, v); // extra parameters in about one in ten
      return o;
    });
}

/**
 * The gateway both fuzz suites attack: a served SQLite context with the lookup fixtures, a
 * consumer token, and a snapshot of the base libraries to prove afterwards that bad input
 * stored or corrupted nothing.
 */
export interface FuzzTarget {
  ctx: TestContext;
  server: RunningServer;
  fx: Fixtures;
  base: string;
  token: string;
  /** resolves when the base libraries equal the snapshot taken at start (else throws via expect) */
  expectStoredDataUnchanged(): Promise<void>;
  close(): Promise<void>;
}

const snapshot = (db: TestContext['db']) =>
  Promise.all([tableCounts(db), tableDigest(db, 'population', 'gmsfzh'), tableDigest(db, 'legal_entity', 'tyshxydm'), tableDigest(db, 'licence', 'zzbh')]);

export async function startFuzzTarget(): Promise<FuzzTarget> {
  // a 256 KiB body limit (default 1 MiB): the same limit code is exercised, at a quarter of the
  // allocation churn, so the memory bound measures the server rather than the generators
  const gw = await testGateway('sqlite', { env: { BODY_LIMIT_BYTES: String(256 * 1024) } });
  const before = await snapshot(gw.ctx.db);
  return {
    ctx: gw.ctx,
    server: gw.server,
    fx: gw.fx,
    base: gw.base,
    token: gw.token,
    async expectStoredDataUnchanged() {
      expect(await snapshot(gw.ctx.db)).toEqual(before);
    },
    close: gw.close,
  };
}
