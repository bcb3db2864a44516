import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routeTemplate } from './route-template.js';

/**
 * A server span per HTTP request, active while the request is handled: the Temporal client
 * interceptor continues it (an action's Update is its child, the workflow's handler and the
 * activities below). An incoming W3C `traceparent` is continued.
 *
 * Method, route template and status only: no URL, query, header or body, which may carry
 * identifiers, tokens or personal data. Needs `trackRouteTemplate` to have run first.
 */
export function httpTracing(): RequestHandler {
  const tracer = trace.getTracer('parcours-vae-http');
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    // Listeners added later (the body parser's) run in the request's context too.
    context.bind(active, req);
    context.bind(active, res);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      if (res.writableFinished) {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the connection' });
      }
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(active, next);
  };
}
