// Discord's error bodies, word for word where fake-platforms.md §2 measured them.

/** Thrown by a route handler; the pipeline turns it into the status and body. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; code: number; errors?: unknown },
  ) {
    super(body.message);
  }
}

type FieldErrors = Record<string, { _errors: Array<{ code: string; message: string }> }>;

export function invalidFormBody(errors: FieldErrors): DiscordHttpError {
  return new DiscordHttpError(400, { message: 'Invalid Form Body', code: 50035, errors });
}

export function fieldError(code: string, message: string): FieldErrors[string] {
  return { _errors: [{ code, message }] };
}

export const unauthorized = () => new DiscordHttpError(401, { message: '401: Unauthorized', code: 0 });
export const notFound = () => new DiscordHttpError(404, { message: '404: Not Found', code: 0 });
export const unknownChannel = () => new DiscordHttpError(404, { message: 'Unknown Channel', code: 10003 });
export const unknownMessage = () => new DiscordHttpError(404, { message: 'Unknown Message', code: 10008 });
export const unknownUser = () => new DiscordHttpError(404, { message: 'Unknown User', code: 10013 });
export const emptyMessage = () => new DiscordHttpError(400, { message: 'Cannot send an empty message', code: 50006 });
export const invalidJson = () => new DiscordHttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
export const tooLarge = () => new DiscordHttpError(413, { message: 'Request entity too large', code: 40005 });
export const notAuthor = () => new DiscordHttpError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
export const threadExists = () => new DiscordHttpError(400, { message: 'A thread has already been created for this message', code: 160004 });
export const wrongChannelType = () => new DiscordHttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
