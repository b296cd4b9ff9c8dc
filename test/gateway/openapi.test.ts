import Ajv2020 from 'ajv/dist/2020';
import { LOOKUP_METHODS } from '../../gateway/lookups/methods';
import { PARAM_SCHEMAS } from '../../schemas/lookup-params';
import { startServer, RunningServer } from '../../scripts/app/server';
import { testContext, TestContext } from '../support/context';

describe('OpenAPI and Swagger UI', () => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    ctx = await testContext('sqlite', { PUBLIC_URL: 'http://gateway.example:8080' });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  it('describes every JSON lookup with the schemas the server validates with', async () => {
    const r = await fetch(`${base}/dprs/api/openapi.json`);
    expect(r.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc = (await r.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://gateway.example:8080' }]);
    const jsonMethods = [...LOOKUP_METHODS.values()].filter((m) => m.interfaces.includes('json'));
    expect(jsonMethods.length).toBe(6);
    const ajv = new Ajv2020({ strict: false });
    for (const m of jsonMethods) {
      const op = doc.paths[`/dprs/api/${m.name}`].post;
      expect(op.parameters.map((p: { name: string }) => p.name)).toContain('X-Purpose');
      const schema = op.requestBody.content['application/json'].schema;
      const { $id: _drop, ...expected } = PARAM_SCHEMAS[m.name];
      expect(schema).toEqual(expected);
      expect(ajv.validate(schema, { unexpected: 1 })).toBe(false);
      const answer = op.responses['200'].content['application/json'].schema;
      expect(Object.keys(answer.properties.data.items.properties)).toEqual([...m.fields]);
    }
    const rkzp = doc.paths['/dprs/api/getRKZP'];
    expect(ajv.validate(rkzp.post.requestBody.content['application/json'].schema, { xm: '张三', gmsfzh: '11010519491231002X' })).toBe(true);
    expect(rkzp.get.parameters.map((p: { name: string }) => p.name)).toEqual(['X-Purpose', 'X-User-Id', 'xm', 'gmsfzh']);
    expect(doc.paths['/dprs/api/batchRKHY'].get).toBeUndefined();
  });

  it('serves Swagger UI with its assets', async () => {
    const page = await fetch(`${base}/dprs/api/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    // every body read to its end: an unread one keeps fetch's connection open past the suite
    const bundle = await fetch(`${base}/dprs/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    const init = await fetch(`${base}/dprs/api/docs/init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('openapi.json');
    const bare = await fetch(`${base}/dprs/api/docs`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    await bare.text();
  });
});
