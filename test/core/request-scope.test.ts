/**
 * What every request gets (core/http.ts beginRequest, requestBasics): its id and a logger made
 * on first use. The logger is a getter on a prototype, never an accessor of each request's own:
 * with an accessor per request, every request's objects were promoted by the young-generation
 * collections (BENCHMARKS.md, "Round 13": observed; why, in V8, inferred).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { beginRequest, requestBasics, RequestScope } from '../../core/http';
import { createLogger } from '../../core/logger';

const lines: string[] = [];
const log = createLogger('info', { write: (s: string) => void lines.push(s) });
const basics = { log, timeoutMs: 5000 };

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a request scope', () => {
  beforeEach(() => {
    lines.length = 0;
    jest.restoreAllMocks();
  });

  it('carries a safe X-Request-Id or a new one, and makes its child logger once, when first asked', async () => {
    const scopes: RequestScope[] = [];
    const child = jest.spyOn(log, 'child');
    const s = await serve((req, res) => {
      const scope = beginRequest(basics, req, res);
      scopes.push(scope);
      const childrenBefore = child.mock.calls.length;
      if (req.url === '/log') {
        expect(scope.log).toBe(scope.log);
        scope.log.info('hello');
      }
      res.end(String(child.mock.calls.length - childrenBefore));
    });
    try {
      const quiet = await fetch(`${s.url}/quiet`, { headers: { 'X-Request-Id': 'abc-123' } });
      expect([quiet.headers.get('x-request-id'), await quiet.text()]).toEqual(['abc-123', '0']);
      const unsafe = await fetch(`${s.url}/log`, { headers: { 'X-Request-Id': 'no spaces allowed' } });
      expect(await unsafe.text()).toBe('1');
      expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(lines.find((l) => l.includes('hello'))!)).toMatchObject({ reqId: unsafe.headers.get('x-request-id'), msg: 'hello' });
    } finally {
      await s.close();
    }
    // the getter is its class's, shared by every scope: no accessor of the scope's own
    expect(scopes.map((x) => Object.getOwnPropertyDescriptor(x, 'log'))).toEqual([undefined, undefined]);
    expect(Object.getPrototypeOf(scopes[0])).toBe(Object.getPrototypeOf(scopes[1]));
  });

  it('on express, req.log reads the request scope through a getter of the request prototype', async () => {
    const app = express();
    app.use(requestBasics(basics));
    const own: unknown[] = [];
    app.get('/x', (req, res) => {
      own.push(Object.getOwnPropertyDescriptor(req, 'log'));
      req.log.warn('from express');
      res.json({ id: req.id, same: req.log === req.log });
    });
    const s = await serve(app);
    try {
      for (const id of ['first-1', 'second-2']) {
        const r = await fetch(`${s.url}/x`, { headers: { 'X-Request-Id': id } });
        expect(await r.json()).toEqual({ id, same: true });
      }
    } finally {
      await s.close();
    }
    expect(own).toEqual([undefined, undefined]);
    expect(lines.filter((l) => l.includes('from express')).map((l) => JSON.parse(l).reqId)).toEqual(['first-1', 'second-2']);
  });
});
