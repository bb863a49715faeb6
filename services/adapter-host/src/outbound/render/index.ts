// Markdown replies → platform messages. The adapter calls renderChunks and sends each chunk as
// one message; for Telegram it may send MarkdownV2 instead of entities, and falls back to plain
// text when Telegram still refuses the formatting.

export { renderChunks, PLATFORM_LIMITS, type RenderPlatform, type RenderOptions } from './render-chunks.js';
export type { RenderedChunk, TelegramEntity } from './rendered.js';
export { toMarkdownV2, toPlainText } from './telegram/markdown-v2.js';

// The block model, for callers that want to inspect a reply before rendering it.
export { parseMarkdown } from './parse-markdown.js';
export type { Block, Inline } from './model.js';
