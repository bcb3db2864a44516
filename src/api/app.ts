import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { authenticate } from './auth.js';
import { candidacyActionRoutes } from './candidacies/action-routes.js';
import { candidacyRoutes } from './candidacies/routes.js';
import { timelineRoutes } from './candidacies/timeline-routes.js';
import { inboxRoutes } from './inbox.js';
import { adminRoutes } from './admin/routes.js';
import { projectRoutes } from './projects.js';
import { emailFailureRoutes } from './email-failures.js';
import { certificationRoutes } from './reference/certifications.js';
import { policyRoutes } from './reference/policy.js';
import { experimentRoutes } from './reference/experiment.js';
import { juryInvitationRoutes } from '../web/invitations/routes.js';
import { juryMemberRoutes } from './jury/members-routes.js';
import { jurySessionRoutes } from './jury/session-routes.js';
import { loadConfig, type OidcConfig } from '../config.js';
import { createLinkSigner, type LinkSigner } from '../signed-links.js';
import { projectAdminRoutes } from './reference/project-admin.js';
import { errorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { indicatorRoutes } from './indicators/routes.js';
import { buildOpenApiDocument, renderReferencePage } from './openapi.js';
import { HttpError } from './problem.js';
import type { Mailer } from '../activities/mailer.js';
import { webRoutes } from '../web/app.js';
import { createOidcClient } from '../web/auth/oidc-client.js';
import { OIDC_CALLBACK_PATH } from '../web/auth/oidc-routes.js';
import { redactCandidatePath } from '../web/candidate/routes.js';
import { apiObservability } from '../observability/api.js';

export interface ApiDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Deadline of a Temporal call made for a request (start, query, update). Default 10 s. */
  rpcTimeoutMs?: number;
  /** Continue-as-new threshold for new candidacies (CANDIDACY_MAX_HISTORY_EVENTS). */
  maxHistoryEvents?: number;
  /** Verifies the signed links of jury invitations; from LINK_SECRET by default. */
  linkSigner?: LinkSigner;
  /** Sends the console's login links; without it, asking for one answers 503. */
  mailer?: Mailer;
  /** Sender of those e-mails; MAIL_FROM by default. */
  mailFrom?: string;
  /** Base of the links in e-mails; PUBLIC_URL by default. */
  publicUrl?: string;
  /** The Temporal Web UI, for the console's links (TEMPORAL_UI_URL by default). */
  temporalUiUrl?: string | undefined;
  /** The console's OpenID Connect provider (OIDC_* by default); null: none. */
  oidc?: OidcConfig | null;
  /** Bearer token of GET /metrics (METRICS_TOKEN by default); null: /metrics is off. */
  metricsToken?: string | null;
}

export function createApp(deps: ApiDeps): Express {
  const config = loadConfig();
  const linkSigner = deps.linkSigner ?? createLinkSigner(config.linkSecret);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    apiObservability({
      ...deps,
      metricsToken: deps.metricsToken === undefined ? config.metricsToken : deps.metricsToken,
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'none'"], 'style-src': ["'self'", "'unsafe-inline'"] },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) =>
        typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID(),
      // Method, path and status only: query strings, headers and bodies may carry personal data.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          // An invitation link's token is a credential: not logged.
          path: redactCandidatePath(
            req.url
              .split('?')[0]
              ?.replace(/^\/jury\/invitations\/[^/]+/, '/jury/invitations/:token')
              // A login link's token is one too.
              .replace(/^\/connexion\/lien\/[^/]+/, '/connexion/lien/:token') ?? '',
          ),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.use(healthRoutes(deps));
  app.use(juryInvitationRoutes({ ...deps, signer: linkSigner }));

  const registry = new OpenAPIRegistry();
  const api = express.Router();
  api.use(express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] }));
  // The API speaks JSON: a body of another type is refused clearly rather than ignored.
  api.use((req, _res, next) => {
    // An empty POST (an action without arguments) is fine; a non-empty non-JSON body is not.
    const hasContent =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasContent && req.is(['json', '+json']) === false) {
      throw new HttpError(415, 'unsupported_media_type', 'Le corps doit être envoyé en application/json.');
    }
    next();
  });
  api.use(authenticate(deps.db));
  api.use(candidacyRoutes(deps, registry));
  api.use(candidacyActionRoutes(deps, registry));
  api.use(timelineRoutes(deps, registry));
  api.use(inboxRoutes(deps, registry));
  api.use(adminRoutes(deps, registry));
  api.use(projectRoutes(deps, registry));
  api.use(emailFailureRoutes(deps, registry));
  api.use(certificationRoutes(deps, registry));
  api.use(projectAdminRoutes(deps, registry));
  api.use(policyRoutes(deps, registry));
  api.use(experimentRoutes(deps, registry));
  api.use(juryMemberRoutes(deps, registry));
  api.use(jurySessionRoutes(deps, registry));
  api.use(indicatorRoutes(deps, registry));
  // Routes are registered; the document is built once.
  const doc = buildOpenApiDocument(registry);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(doc);
  });
  app.get(['/api/docs', '/docs'], (_req, res) => {
    res.type('html').send(renderReferencePage(doc));
  });
  // The console (HTML, session cookie) answers every path but /api/*, which stays the API's.
  const publicUrl = (deps.publicUrl ?? config.publicUrl).replace(/\/+$/, '');
  const oidc = deps.oidc === undefined ? config.oidc : deps.oidc;
  app.use(
    webRoutes({
      ...deps,
      linkSigner,
      mailFrom: deps.mailFrom ?? config.mailFrom,
      publicUrl,
      temporalUiUrl: deps.temporalUiUrl ?? config.temporalUiUrl,
      oidc: oidc ? createOidcClient(oidc, { redirectUri: publicUrl + OIDC_CALLBACK_PATH }) : undefined,
    }),
  );
  app.use(api);

  app.use((req, _res) => {
    throw new HttpError(404, 'route_not_found', `Aucune route ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
