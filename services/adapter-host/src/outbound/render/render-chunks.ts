import { AppError } from '@cliver/common';
import { packUnits } from './chunk.js';
import { layoutBlocks } from './layout.js';
import { discordRenderer } from './markup/discord.js';
import { feishuRenderer } from './markup/feishu.js';
import { slackRenderer } from './markup/slack.js';
import { parseMarkdown } from './parse-markdown.js';
import type { PlatformRenderer, RenderedChunk } from './rendered.js';
import { telegramRenderer } from './telegram/render-telegram.js';

export type RenderPlatform = 'telegram' | 'discord' | 'slack' | 'feishu';

const RENDERERS: Record<RenderPlatform, PlatformRenderer> = {
  telegram: telegramRenderer,
  discord: discordRenderer,
  slack: slackRenderer,
  feishu: feishuRenderer,
};

/** The most one message may hold, in UTF-16 code units of the rendered text (Telegram: of the
 * text without its entities). Slack's and Feishu's are our own caps, below the platforms' hard ones. */
export const PLATFORM_LIMITS: Readonly<Record<RenderPlatform, number>> = {
  telegram: telegramRenderer.limit,
  discord: discordRenderer.limit,
  slack: slackRenderer.limit,
  feishu: feishuRenderer.limit,
};

export interface RenderOptions {
  /** A lower cap than the platform's (e.g. a configured Slack limit); never above it. */
  limit?: number;
}

// Below this a code fence plus one escaped character may not fit.
const MIN_LIMIT = 64;

/**
 * Renders a model's markdown reply for one platform and cuts it into messages, each within the
 * limit measured on the rendered text. Never returns an empty or whitespace-only chunk; returns
 * [] for a reply with nothing visible.
 */
export function renderChunks(markdown: string, platform: RenderPlatform, options: RenderOptions = {}): RenderedChunk[] {
  const base = RENDERERS[platform];
  const limit = options.limit ?? base.limit;
  if (!Number.isInteger(limit) || limit < MIN_LIMIT || limit > base.limit) {
    throw new AppError('invalid_argument', `message limit ${limit} for ${platform} must be an integer from ${MIN_LIMIT} to ${base.limit}`, {
      reason: 'invalid_message_limit',
      field: 'limit',
    });
  }
  const renderer = limit === base.limit ? base : { ...base, limit };
  return packUnits(layoutBlocks(parseMarkdown(markdown)), renderer);
}
