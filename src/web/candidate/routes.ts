import type { Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import type { Kysely, Selectable } from 'kysely';
import { acquiredBlocksOf } from '../../db/acquired-blocks.js';
import { performAction } from '../../app/candidacies/perform-action.js';
import { queryState } from '../../app/candidacies/run-action.js';
import { Refusal } from '../../app/refusal.js';
import { TEMPORAL_DEADLINES } from '../../app/temporal-deadline.js';
import { isUnavailable } from '../../api/errors.js';
import type { CandidaciesTable, Database } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { CANDIDATE_STATUS_LINK, type LinkSigner } from '../../signed-links.js';
import type { Actor, CandidacyView } from '../../workflows/candidacy/contract.js';
import { html } from '../html.js';
import { renderErrorPage, renderPage } from '../layout.js';
import { renderResumed, renderStatus, type CandidateStatus } from './status.js';

export interface CandidateRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  /** Verifies the links of the candidates' e-mails (LINK_SECRET). */
  linkSigner: LinkSigner;
  /** PUBLIC_URL: its origin is accepted, with the request's own, as the origin of the form. */
  publicUrl?: string;
  logger?: Logger;
  /** Deadline of the Temporal query (ms); 5 s by default. */
  rpcTimeoutMs?: number;
}

/** Where the status page lives: `/candidat/<token>`, the token signed for the candidacy's id. */
export const CANDIDATE_STATUS_PATH = '/candidat';

/** The path logged for a candidate page: the token is a credential, never written to a log. */
export function redactCandidatePath(path: string): string {
  return path.replace(/^\/candidat\/[^/?]+/, '/candidat/:token');
}

/**
 * Who the journal records for an action the candidate takes through their link. Candidates have no
 * account, so there is no user: `userId` is null (candidacy_events.actor_user_id is nullable, and the
 * workflow journals `actor.userId ?? null`), and the operator is the one accompanying them (the
 * coaching operator, else the advice operator, else the one responsible now). An event with an
 * operator and no user is therefore the candidate's own act through their link: an operator's user
 * always has an id, and a clock has neither.
 *
 * `ActorRef.userId` is typed `string`, hence the cast; making it `string | null` (or adding a
 * `{ kind: 'candidate' }` actor) is the cleaner follow-up, outside this module.
 */
export function candidateActor(
  row: Pick<Selectable<CandidaciesTable>, 'coach_operator_id' | 'advice_operator_id' | 'operator_id'>,
): Actor {
  return {
    userId: null as unknown as string,
    operatorId: row.coach_operator_id ?? row.advice_operator_id ?? row.operator_id,
  };
}

/**
 * The form is protected by the link itself (the token in its URL is the capability, and it is not
 * guessable) plus a same-origin check: the POST must come from this site's page, as its Origin header
 * (or, without one, its Referer) says. A cross-site form cannot forge either.
 */
export function isSameOrigin(req: Request, publicUrl?: string): boolean {
  // `req.host` (with its port) follows X-Forwarded-Host from a trusted proxy, as `req.protocol` does.
  const allowed = new Set<string>([`${req.protocol}://${req.host}`]);
  if (publicUrl) {
    try {
      allowed.add(new URL(publicUrl).origin);
    } catch {
      /* not a URL: the request's own origin only */
    }
  }
  const origin = req.get('origin');
  // `Origin: null` (a sandboxed or privacy-stripped request) is no origin of ours.
  if (origin !== undefined) return allowed.has(origin);
  const referer = req.get('referer');
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

const LEAVE = { label: 'Découvrir la VAE sur vae.gouv.fr', href: 'https://vae.gouv.fr' };

/** No caching, no indexing; the Referer goes to this site only (the POST's same-origin check reads it). */
function privateHeaders(res: Response) {
  res.set({
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'same-origin',
    'X-Robots-Tag': 'noindex, nofollow',
  });
}

function send(res: Response, status: number, body: string) {
  privateHeaders(res);
  res.status(status).type('html').send(body);
}

function linkRefused(res: Response, error: 'invalid' | 'expired') {
  return error === 'expired'
    ? send(
        res,
        410,
        renderErrorPage(
          410,
          'Ce lien a expiré',
          'Pour votre sécurité, le lien de suivi de votre parcours n’est valable que 60 jours. Utilisez le lien du dernier e-mail reçu au sujet de votre candidature, ou contactez votre conseiller.',
          { action: LEAVE },
        ),
      )
    : send(
        res,
        404,
        renderErrorPage(
          404,
          'Lien invalide',
          'Ce lien de suivi n’est pas valable. Vérifiez qu’il a été copié en entier depuis votre e-mail, ou contactez votre conseiller.',
          { action: LEAVE },
        ),
      );
}

function unavailable(res: Response, back?: string) {
  send(
    res,
    503,
    renderErrorPage(
      503,
      'Service momentanément indisponible',
      'Votre parcours ne peut pas être affiché ou mis à jour pour le moment. Réessayez dans quelques minutes avec le même lien.',
      back ? { action: { label: 'Réessayer', href: back } } : { action: LEAVE },
    ),
  );
}

function failed(res: Response) {
  send(
    res,
    500,
    renderErrorPage(
      500,
      'Erreur inattendue',
      'Une erreur est survenue. Réessayez dans quelques minutes avec le même lien ; si elle persiste, contactez votre conseiller.',
      { action: LEAVE },
    ),
  );
}

/**
 * `/candidat/:token`: the candidate's status page, reached by the signed link every e-mail to them
 * ends with (no account). It shows the path of the candidacy the token was signed for, and nothing
 * else: the only id it reads is the signed one. While in coaching it offers « Je poursuis mon
 * parcours » (POST `/candidat/:token/poursuivre`), the `resume` action, which counts as activity for
 * the inactivity reminders. Mounted before any login requirement.
 */
export function candidateRoutes(deps: CandidateRoutesDeps): Router {
  const router = Router();
  const timeoutMs = deps.rpcTimeoutMs ?? TEMPORAL_DEADLINES.queryMs;

  const candidacyOf = async (id: string) =>
    deps.db
      .selectFrom('candidacies as c')
      .innerJoin('certifications as cert', 'cert.rncp_code', 'c.rncp_code')
      .selectAll('c')
      .select('cert.title as certification_title')
      .where('c.id', '=', id)
      .executeTakeFirst();

  const liveOf = async (workflowId: string): Promise<CandidacyView | null> => {
    try {
      return await queryState(deps.temporal, workflowId, timeoutMs);
    } catch {
      return null; // the page still shows the read model, and says the detail is missing
    }
  };

  async function statusOf(
    row: NonNullable<Awaited<ReturnType<typeof candidacyOf>>>,
  ): Promise<CandidateStatus> {
    const [live, acquired, titles] = await Promise.all([
      liveOf(row.workflow_id),
      acquiredBlocksOf(deps.db, row.candidate_id, row.rncp_code),
      deps.db
        .selectFrom('skill_blocks')
        .select(['block_code', 'title'])
        .where('rncp_code', '=', row.rncp_code)
        .execute(),
    ]);
    const title = new Map(titles.map((b) => [b.block_code, b.title]));
    const targeted = live
      ? live.blocks
      : row.target_blocks.map((code) => ({ code, status: 'targeted' as const }));
    return {
      candidacyId: row.id,
      certification: { rncpCode: row.rncp_code, title: row.certification_title },
      phase: live?.phase ?? row.phase,
      acquired: acquired.map((b) => ({
        code: b.code,
        title: title.get(b.code) ?? '',
        acquiredAt: b.acquiredAt,
      })),
      targeted: targeted.map((b) => ({ code: b.code, title: title.get(b.code) ?? '', status: b.status })),
      live,
      nextDeadlineAt: row.next_deadline?.toISOString() ?? null,
    };
  }

  const pathOf = (token: string) => `${CANDIDATE_STATUS_PATH}/${encodeURIComponent(token)}`;

  router.get(`${CANDIDATE_STATUS_PATH}/:token`, async (req, res) => {
    const checked = deps.linkSigner.verify(CANDIDATE_STATUS_LINK, req.params.token);
    if ('error' in checked) return linkRefused(res, checked.error);
    try {
      const row = await candidacyOf(checked.id);
      if (!row) return linkRefused(res, 'invalid');
      const status = await statusOf(row);
      return send(
        res,
        200,
        renderPage({
          title: 'Votre parcours VAE',
          main: renderStatus(status, { resumeAction: `${pathOf(req.params.token)}/poursuivre` }),
        }),
      );
    } catch (err) {
      if (isUnavailable(err)) return unavailable(res, pathOf(req.params.token));
      deps.logger?.error({ err, route: `${CANDIDATE_STATUS_PATH}/:token` }, 'candidate status page failed');
      return failed(res);
    }
  });

  router.post(`${CANDIDATE_STATUS_PATH}/:token/poursuivre`, async (req, res) => {
    if (!isSameOrigin(req, deps.publicUrl)) {
      return send(
        res,
        403,
        renderErrorPage(
          403,
          'Réponse refusée',
          'Cette réponse ne vient pas de la page de suivi de votre parcours. Ouvrez le lien de votre e-mail et utilisez le bouton de la page.',
          { action: LEAVE },
        ),
      );
    }
    const checked = deps.linkSigner.verify(CANDIDATE_STATUS_LINK, req.params.token);
    if ('error' in checked) return linkRefused(res, checked.error);
    const back = pathOf(req.params.token);
    try {
      const row = await candidacyOf(checked.id);
      if (!row) return linkRefused(res, 'invalid');
      const view = await performAction(deps, {
        action: 'resume',
        input: {},
        row,
        actor: candidateActor(row),
      });
      return send(
        res,
        200,
        renderPage({ title: 'Votre réponse est enregistrée', main: renderResumed(view, back) }),
      );
    } catch (err) {
      if (err instanceof Refusal && err.kind === 'conflict') {
        return send(
          res,
          409,
          renderPage({
            title: 'Aucune relance en attente',
            main: html`<h1>Aucune relance en attente</h1>
              <p class="fr-text--sm fr-mb-3w">Erreur 409 — Réponse impossible</p>
              <p class="fr-text--lead">
                Votre parcours n’est pas (ou plus) à l’étape de l’accompagnement : il n’y a pas de relance à
                laquelle répondre. Votre conseiller ou votre accompagnateur peut vous renseigner.
              </p>
              <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><a class="fr-btn" href="${back}">Revenir à mon parcours</a></li>
              </ul>`,
          }),
        );
      }
      if ((err instanceof Refusal && err.kind === 'unavailable') || isUnavailable(err)) {
        return unavailable(res, back);
      }
      deps.logger?.error(
        { err, route: `${CANDIDATE_STATUS_PATH}/:token/poursuivre` },
        'candidate resume failed',
      );
      return failed(res);
    }
  });

  return router;
}
