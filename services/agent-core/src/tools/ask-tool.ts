import { z } from 'zod';
import { defineTool } from './tool';

export const ASK_TOOL = 'Ask';

/**
 * Ask the user a question. Only offered in the CLI: there the question ends the turn and the
 * user answers in the next one. IM and API turns have no one to answer, so they never get it.
 */
export const askTool = defineTool({
  name: ASK_TOOL,
  description: 'Ask the user a clarifying question when you cannot proceed without their answer. Ends your turn; the user replies next.',
  input: z.object({ question: z.string().min(1).describe('The question to ask, in one or two sentences') }),
  run: ({ question }) => question,
});
