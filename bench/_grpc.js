const grpc = require('@grpc/grpc-js');
const { fork } = require('child_process');
const id = (b) => b;
const def = {
  chat: { path: '/x.X/Chat', requestStream: false, responseStream: true, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id },
  mux: { path: '/x.X/Mux', requestStream: true, responseStream: true, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id },
};
const cpu = (pid) => { const f = require('fs').readFileSync(`/proc/${pid}/stat`,'utf8').split(') ')[1].split(' '); return (Number(f[11])+Number(f[12]))*10; };
if (process.argv[2] === 'server') {
  const s = new grpc.Server();
  const reply = Buffer.alloc(200, 1);
  s.addService(def, {
    chat: (call) => { call.write(reply); call.write(reply); call.end(); },
    mux: (call) => { call.on('data', (m) => { call.write(m); call.write(m); }); call.on('end', () => call.end()); },
  });
  s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => process.send(port));
} else {
  const child = fork(__filename, ['server']);
  child.on('message', async (port) => {
    const C = grpc.makeGenericClientConstructor(def);
    const c = new C(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const req = Buffer.alloc(200, 2);
    const chatOnce = () => new Promise((res, rej) => { const s = c.chat(req); s.on('data', () => {}); s.on('end', res); s.on('error', rej); });
    let mux; const waiting = []; 
    const muxOnce = () => new Promise((res) => { if (!mux) { mux = c.mux(); let n = 0; mux.on('data', () => { if (++n % 2 === 0) waiting.shift()(); }); } waiting.push(res); mux.write(req); });
    for (const [name, once] of [['unary-stream', chatOnce], ['mux', muxOnce]]) {
      const run = async (n) => { let i = 0; await Promise.all(Array.from({ length: 50 }, async () => { while (i++ < n) await once(); })); };
      await run(3000);
      const N = 20000; const sc = cpu(child.pid); const t = process.cpuUsage(); const t0 = Date.now();
      await run(N);
      const u = process.cpuUsage(t); const sc2 = cpu(child.pid);
      console.log(name.padEnd(14), 'client ms/call', ((u.user + u.system) / 1000 / N).toFixed(4), 'server ms/call', ((sc2 - sc) / N).toFixed(4), 'calls/s', (N / (Date.now() - t0) * 1000).toFixed(0));
    }
    child.kill(); process.exit(0);
  });
}
