import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Recorder } from './records';
import type { DiscordState } from './state';

// Attachment urls point here (Discord's are cdn.discordapp.com/attachments/...), so an adapter downloads
// what a user sent from the fake. No auth, as on the CDN; the signed-url query (ex, is, hm) is ignored.
export const CDN_PREFIX = '/attachments/';

export function serveAttachment(state: DiscordState, records: Recorder, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const file = req.method === 'GET' || req.method === 'HEAD' ? state.file(url.pathname) : undefined;
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('This content is no longer available.');
    return;
  }
  records.downloaded(url.pathname);
  res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}
