// The demo's door to its fake Telegram: POST /say with a text injects it as a DM from "Alice" and
// answers with the bot's reply, so a newcomer can chat with the bot from a terminal
// (scripts/demo-telegram.js). Loopback only, demo only.
const http = require('node:http');

// The reply may come in several chunks; it is complete once no chunk followed for this long.
const QUIET_MS = 400;
const REPLY_TIMEOUT_MS = 60_000;

async function replyTo(telegram, text) {
  const update = telegram.injectMessage({ chat: 'dm', text });
  const chatId = update.message.chat.id;
  const first = await telegram.waitForSent((m) => m.chat_id === chatId && m.reply_to_message_id === update.message.message_id, { timeoutMs: REPLY_TIMEOUT_MS });
  for (let count = 0; ; ) {
    const chunks = telegram.sent(chatId).filter((m) => m.message_id >= first.message_id);
    if (chunks.length === count) return chunks.map((m) => m.text ?? '').join('\n');
    count = chunks.length;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  }
}

function serveDemoTelegram(telegram) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/say') return res.writeHead(404).end('POST /say with the message as the body\n');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (!body.trim()) return res.writeHead(400).end('the message is empty\n');
      replyTo(telegram, body).then(
        (reply) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`${reply}\n`),
        (err) => res.writeHead(504).end(`no reply from the bot: ${err.message}\n`),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

module.exports = { serveDemoTelegram };
