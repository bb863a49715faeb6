const { request, Agent } = require('undici');
const d = new Agent({ keepAliveTimeout: 30000, connections: 256 });
class H { constructor(r){this.r=r;} get(n){const v=this.r[n.toLowerCase()]; return v===undefined?null:Array.isArray(v)?v.join(', '):v;} has(n){return this.r[n.toLowerCase()]!==undefined;} *entries(){for(const k in this.r){yield [k,this.get(k)];}} [Symbol.iterator](){return this.entries();} forEach(f){for(const [k,v] of this.entries()) f(v,k,this);} }
globalThis.altFetch = async (url, init) => {
  const h = init.headers; const headers = {}; for (const [k,v] of h) headers[k]=v;
  const res = await request(String(url), { method: init.method, headers, body: init.body, signal: init.signal, dispatcher: d });
  return { ok: res.statusCode>=200&&res.statusCode<300, status: res.statusCode, url: String(url), headers: new H(res.headers), body: res.body, json: () => res.body.json(), text: () => res.body.text() };
};
require('./_sdk_prof.js');
