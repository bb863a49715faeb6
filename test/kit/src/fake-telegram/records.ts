import { pushBounded } from './bounded';
import type { ChatAction, EditedMessage, RecordedCall, SentMessage, ServedUpdate, Update, Upload } from './types';

// Uploads hold their bytes; a thousand of them is plenty for a test and bounded for a demo.
const MAX_UPLOADS = 1000;

/** What the bot did, as the fake saw it: newest MAX_RECORDS of each, in arrival order. */
export class Records {
  readonly calls: RecordedCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly edits: EditedMessage[] = [];
  readonly actions: ChatAction[] = [];
  readonly uploads: Upload[] = [];
  readonly served: ServedUpdate[] = [];

  call(call: RecordedCall): RecordedCall {
    pushBounded(this.calls, call);
    return call;
  }

  message(sent: SentMessage): void {
    pushBounded(this.sent, sent);
  }

  edit(edit: EditedMessage): void {
    pushBounded(this.edits, edit);
  }

  action(action: ChatAction): void {
    pushBounded(this.actions, action);
  }

  upload(upload: Upload): void {
    pushBounded(this.uploads, upload, MAX_UPLOADS);
  }

  servedUpdates(updates: Update[], at: number): void {
    for (const u of updates) {
      const m = u.message;
      pushBounded(this.served, { updateId: u.update_id, ...(m ? { chatId: m.chat.id } : {}), ...(m?.text ?? m?.caption ? { text: m.text ?? m.caption } : {}), servedAt: at });
    }
  }

  /** The bot's messages in a chat, and in one thread of it when `threadId` is given. */
  sentTo(chatId?: number, threadId?: number): SentMessage[] {
    return this.sent.filter((m) => (chatId === undefined || m.chat_id === chatId) && (threadId === undefined || m.message_thread_id === threadId));
  }

  /** Empties every list in place, so references tests hold stay current. */
  clear(): void {
    for (const list of [this.calls, this.sent, this.edits, this.actions, this.uploads, this.served]) list.length = 0;
  }
}
