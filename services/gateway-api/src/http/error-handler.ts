import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, HTTP_STATUS, retryAfterSeconds, type Logger } from '@cliver/common';

/** Any path nobody serves. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`, { reason: 'route_not_found' }));
};

/**
 * The one place an error becomes an HTTP response. Internal causes are logged, never sent.
 * (The /v1 surface will answer in OpenAI's error shape; /admin/api in ours.)
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = AppError.from(err);
    if (appError.code === 'internal') log.error({ err, path: req.path }, 'request failed');
    const retryAfter = retryAfterSeconds(appError);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(HTTP_STATUS[appError.code]).json({
      error: { code: appError.code, reason: appError.reason ?? null, message: appError.message, field: appError.field ?? null },
    });
  };
}
