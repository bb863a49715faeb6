#!/usr/bin/env node
// The least a gateway can be, for scale in bench:api: one Node process that forwards each
// request to the fake LLM over a keep-alive pool and streams the answer back, doing nothing else.
// Usage: node bench/pass-through-proxy.js --port P --target http://127.0.0.1:Q
const http = require('node:http');

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const target = new URL(arg('--target'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

http
  .createServer((req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  })
  .listen(Number(arg('--port')), '127.0.0.1', () => console.log('listening'));
