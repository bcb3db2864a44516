import type { Client } from '@temporalio/client';
import { Router, urlencoded, type Response } from 'express';
import type { Kysely } from 'kysely';
import { isUnavailable } from '../../api/errors.js';
import { answerJuryInvitation } from '../../app/jury/sessions/session-actions.js';
import { Refusal } from '../../app/refusal.js';
import type { Database } from '../../db/schema.js';
import { formatDayTimeFr } from '../../domain/paris-time.js';
import { INVITATION_LINK, type LinkSigner } from '../../signed-links.js';
import { html, type Html } from '../html.js';
import { renderPage } from '../layout.js';

/** A member's answer as the page says it. */
const ANSWER_LABELS: Record<string, string> = {
  accepted: 'vous avez accepté de siéger',
  declined: 'vous n’êtes pas disponible',
  expired: 'le délai de réponse est passé',
  withdrawn: 'l’invitation a été retirée (session annulée, complète ou désistement)',
};

/** A dependency is down: the member may try the same link again in a moment. */
function unavailable(res: Response) {
  page(
    res,
    503,
    'Service momentanément indisponible',
    html`<p>Votre réponse n’a pas pu être enregistrée. Réessayez dans un instant avec le même lien.</p>`,
  );
}

/** A page of the DSFR layout, without account or navigation; never cached (a signed link). */
function page(res: Response, status: number, title: string, body: Html) {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .send(
      renderPage({
        title,
        main: html`<h1>${title}</h1>
          ${body}`,
      }),
    );
}

/**
 * `/jury/invitations/:token`: a jury member answers an invitation through the signed link of its
 * e-mail, without an account. The GET shows the session and two buttons (a form, so that a mail
 * client fetching the link never answers for the member); the POST answers.
 */
export function juryInvitationRoutes(deps: {
  db: Kysely<Database>;
  temporal: Client;
  signer: LinkSigner;
}): Router {
  const router = Router();
  const invitationOf = async (token: string) => {
    const checked = deps.signer.verify(INVITATION_LINK, token);
    if ('error' in checked) return checked;
    const row = await deps.db
      .selectFrom('jury_invitations as i')
      .innerJoin('jury_sessions as s', 's.id', 'i.session_id')
      .innerJoin('certifications as c', 'c.rncp_code', 's.rncp_code')
      .select(['i.id', 'i.status', 's.starts_at', 's.modality', 's.place', 'c.title'])
      .where('i.id', '=', checked.id)
      .executeTakeFirst();
    return row ?? { error: 'invalid' as const };
  };

  router.get('/jury/invitations/:token', async (req, res) => {
    const inv = await invitationOf(req.params.token).catch((err: unknown) => {
      if (isUnavailable(err)) return null;
      throw err;
    });
    if (inv === null) return unavailable(res);
    if ('error' in inv) {
      return page(
        res,
        inv.error === 'expired' ? 410 : 404,
        inv.error === 'expired' ? 'Invitation expirée' : 'Lien invalide',
        html`<p>Ce lien d’invitation n’est pas (ou plus) valable. Contactez l’organisateur des jurys.</p>`,
      );
    }
    const facts = html`<p>
      Session du ${formatDayTimeFr(inv.starts_at)} (heure de Paris),
      ${inv.modality === 'remote' ? 'à distance' : html`sur place : ${inv.place ?? ''}`}, certification
      ${inv.title}.
    </p>`;
    if (inv.status !== 'pending')
      return page(
        res,
        200,
        'Invitation déjà traitée',
        html`${facts}
          <p>Réponse enregistrée : ${ANSWER_LABELS[inv.status] ?? inv.status}.</p>`,
      );
    const token = req.params.token;
    return page(
      res,
      200,
      'Invitation à siéger dans un jury de VAE',
      html`${facts}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <form method="post" action="/jury/invitations/${token}/accept">
              <button class="fr-btn" type="submit">J’accepte de siéger</button>
            </form>
          </li>
          <li>
            <form method="post" action="/jury/invitations/${token}/decline">
              <button class="fr-btn fr-btn--secondary" type="submit">Je ne suis pas disponible</button>
            </form>
          </li>
        </ul>`,
    );
  });

  router.post(
    '/jury/invitations/:token/:answer',
    urlencoded({ extended: false, limit: '1kb' }),
    async (req, res) => {
      const answer = req.params.answer;
      if (answer !== 'accept' && answer !== 'decline')
        return page(res, 404, 'Lien invalide', html`<p>Réponse inconnue.</p>`);
      const inv = await invitationOf(req.params.token).catch((err: unknown) => {
        if (isUnavailable(err)) return null;
        throw err;
      });
      if (inv === null) return unavailable(res);
      if ('error' in inv)
        return page(
          res,
          inv.error === 'expired' ? 410 : 404,
          'Lien invalide ou expiré',
          html`<p>Contactez l’organisateur des jurys.</p>`,
        );
      try {
        await answerJuryInvitation(deps.db, deps.temporal, inv.id, answer === 'accept');
      } catch (err) {
        if (err instanceof Refusal && err.kind === 'conflict')
          return page(res, 409, 'Réponse impossible', html`<p>${err.message}</p>`);
        // The session did not answer in time, or a dependency is down: the same link, in a moment.
        if ((err instanceof Refusal && err.kind === 'unavailable') || isUnavailable(err))
          return unavailable(res);
        if (err instanceof Refusal && err.kind === 'not_found') {
          return page(
            res,
            404,
            'Lien invalide',
            html`<p>${err.message} Contactez l’organisateur des jurys.</p>`,
          );
        }
        throw err;
      }
      return page(
        res,
        200,
        answer === 'accept' ? 'Merci, votre participation est enregistrée' : 'Votre réponse est enregistrée',
        answer === 'accept'
          ? html`<p>
              Vous recevrez la convocation avec la liste des candidats dès que le jury sera complet.
            </p>`
          : html`<p>Un autre membre sera invité. Merci de votre réponse.</p>`,
      );
    },
  );
  return router;
}
