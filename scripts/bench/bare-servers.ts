/**
 * The baselines the gateway is measured against: the bare stack serving the same answer from
 * memory, with nothing of ours in between.
 *   node dist/scripts/bench/bare-servers.js express <port>   express 5 + express.json
 *   node dist/scripts/bench/bare-servers.js soap <port>      node-soap with the gateway's WSDL
 */
import http from 'node:http';
import express from 'express';
import * as soap from 'soap';
import { dataServiceWsdl, SOAP_OPERATIONS, SOAP_PATH } from '../../schemas/wsdl';

/** A getRKZP answer shaped like the gateway's (one person, the template's fields). */
export const CANNED_ENVELOPE = JSON.stringify({
  msg: '操作成功',
  result_code: '200',
  data: [
    {
      RYBH: 'RY000000000001', GMSFZH: '370306193501010015', XM: '孔军', CSRQ: '19350101', MZ: '01', XB: '1',
      JG: '山东省淄博市周村区', CSD: '山东省淄博市周村区', HJD: '山东省淄博市周村区永安街街道新建路287号',
    },
  ],
});

function bareExpress(port: number): void {
  const app = express();
  app.post('/dprs/api/:method', express.json({ limit: 1024 * 1024 }), (_req, res) => {
    res.status(200).type('application/json; charset=utf-8').send(CANNED_ENVELOPE);
  });
  app.listen(port, '127.0.0.1');
}

function bareSoap(port: number): void {
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const port_: Record<string, () => { return: string }> = {};
  for (const op of Object.keys(SOAP_OPERATIONS)) port_[op] = () => ({ return: CANNED_ENVELOPE });
  server.listen(port, '127.0.0.1', () => {
    soap.listen(server, SOAP_PATH, { DataService: { DataServicePort: port_ } }, dataServiceWsdl(`http://127.0.0.1:${port}${SOAP_PATH}`));
  });
}

if (require.main === module) {
  const [kind, portArg] = process.argv.slice(2);
  const port = Number(portArg);
  if (kind === 'express') bareExpress(port);
  else if (kind === 'soap') bareSoap(port);
  else {
    process.stderr.write('usage: bare-servers.js express|soap <port>\n');
    process.exit(2);
  }
}
