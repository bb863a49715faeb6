import { AppError, describeZodIssue } from '@cliver/common';
import { ChatCompletionRequest } from './request-schema';

function joinPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/**
 * Validates a chat completion body. The first problem becomes a 400 whose message and `param`
 * name the field, worded like OpenAI's own errors where clients may match on them.
 */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_argument', 'The request body must be a JSON object.', { reason: 'invalid_body' });
  }
  const parsed = ChatCompletionRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = joinPath([...issue.path, issue.keys[0]!]);
    throw new AppError('invalid_argument', `Unrecognized request argument supplied: ${issue.keys.map((k) => joinPath([...issue.path, k])).join(', ')}`, {
      field,
    });
  }
  const { path, message } = describeZodIssue(issue, body, ChatCompletionRequest);
  throw new AppError('invalid_argument', `${path || 'body'}: ${message}`, { field: path || undefined });
}
