import { AppError } from '@cliver/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export interface CallFailure {
  error: AppError;
  /** The connection itself failed (process gone, network down): the server must be reconnected. */
  isConnectionLost: boolean;
}

interface CallSite {
  server: string;
  tool: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Sorts a failed `callTool` into what happened. The SDK reports the server's own protocol errors
 * as McpError; anything else (fetch failed, write after the child exited) means the transport is
 * gone. ConnectionClosed is an McpError but also means the transport is gone.
 */
export function toCallFailure(err: unknown, site: CallSite): CallFailure {
  const where = `MCP tool "${site.tool}" on server "${site.server}"`;
  if (site.signal.aborted) {
    return { error: new AppError('unavailable', `${where} was cancelled because the turn was stopped`, { reason: 'mcp_call_cancelled', cause: err }), isConnectionLost: false };
  }
  if (err instanceof AppError) return { error: err, isConnectionLost: false };
  if (err instanceof McpError) {
    switch (err.code) {
      case ErrorCode.RequestTimeout:
        return {
          error: new AppError('deadline_exceeded', `${where} did not answer within ${site.timeoutMs} ms`, { reason: 'mcp_call_timeout', cause: err }),
          isConnectionLost: false,
        };
      case ErrorCode.ConnectionClosed:
        return { error: lost(where, err), isConnectionLost: true };
      case ErrorCode.InvalidParams:
        return {
          error: new AppError('invalid_argument', `${where} rejected its arguments: ${err.message}`, { reason: 'invalid_tool_arguments', cause: err }),
          isConnectionLost: false,
        };
      default:
        return {
          error: new AppError('unavailable', `${where} failed with a protocol error: ${err.message}`, { reason: 'mcp_protocol_error', cause: err }),
          isConnectionLost: false,
        };
    }
  }
  return { error: lost(where, err), isConnectionLost: true };
}

function lost(where: string, err: unknown): AppError {
  const detail = err instanceof Error ? err.message : String(err);
  return new AppError('unavailable', `${where} could not be reached (${detail}); the server is being reconnected, try again shortly`, {
    reason: 'mcp_server_unavailable',
    cause: err,
  });
}
