#!/usr/bin/env node
// Talks to the demo's Telegram bot as a user would: `node scripts/demo-telegram.js URL "text"`
// sends the text as a Telegram DM and prints the bot's answer. URL is the one `npm run demo` prints.
const [url, ...words] = process.argv.slice(2);
if (!url || !words.length) {
  console.error('usage: node scripts/demo-telegram.js URL "message" (URL as printed by npm run demo)');
  process.exit(2);
}
fetch(`${url}/say`, { method: 'POST', body: words.join(' ') })
  .then(async (res) => {
    const text = await res.text();
    (res.ok ? process.stdout : process.stderr).write(res.ok ? `bot: ${text}` : text);
    process.exit(res.ok ? 0 : 1);
  })
  .catch((err) => {
    console.error(`cannot reach the demo at ${url} (is npm run demo still running?): ${err.cause?.code ?? err.message}`);
    process.exit(1);
  });
