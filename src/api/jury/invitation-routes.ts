import type { Client } from '@temporalio/client';
import { Router, urlencoded, type Response } from 'express';
import type { Kysely } from 'kysely';
import { answerJuryInvitation } from '../../app/jury/sessions/session-actions.js';
import { Refusal } from '../../app/refusal.js';
import { isUnavailable } from '../errors.js';
import type { Database } from '../../db/schema.js';
import { formatDayTimeFr } from '../../domain/paris-time.js';
import { escapeHtml } from '../../notifications/layout.js';
import { INVITATION_LINK, type LinkSigner } from '../../signed-links.js';

/** A dependency is down: the member may try the same link again in a moment. */
function unavailable(res: Response) {
  page(
    res,
    503,
    'Service momentanément indisponible',
    '<p>Votre réponse n’a pas pu être enregistrée. Réessayez dans un instant avec le même lien.</p>',
  );
}

function page(res: Response, status: number, title: string, body: string) {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Parcours VAE</title></head><body style="font-family: Arial, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem"><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
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
        '<p>Ce lien d’invitation n’est pas (ou plus) valable. Contactez l’organisateur des jurys.</p>',
      );
    }
    const facts = `<p>Session du ${escapeHtml(formatDayTimeFr(inv.starts_at))} (heure de Paris), ${inv.modality === 'remote' ? 'à distance' : `sur place : ${escapeHtml(inv.place ?? '')}`}, certification ${escapeHtml(inv.title)}.</p>`;
    if (inv.status !== 'pending')
      return page(
        res,
        200,
        'Invitation déjà traitée',
        `${facts}<p>Réponse enregistrée : ${escapeHtml(inv.status)}.</p>`,
      );
    const token = escapeHtml(req.params.token);
    return page(
      res,
      200,
      'Invitation à siéger dans un jury de VAE',
      `${facts}<form method="post" action="/jury/invitations/${token}/accept"><button type="submit">J’accepte de siéger</button></form><form method="post" action="/jury/invitations/${token}/decline" style="margin-top:1rem"><button type="submit">Je ne suis pas disponible</button></form>`,
    );
  });

  router.post(
    '/jury/invitations/:token/:answer',
    urlencoded({ extended: false, limit: '1kb' }),
    async (req, res) => {
      const answer = req.params.answer;
      if (answer !== 'accept' && answer !== 'decline')
        return page(res, 404, 'Lien invalide', '<p>Réponse inconnue.</p>');
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
          '<p>Contactez l’organisateur des jurys.</p>',
        );
      try {
        await answerJuryInvitation(deps.db, deps.temporal, inv.id, answer === 'accept');
      } catch (err) {
        if (err instanceof Refusal && err.kind === 'conflict')
          return page(res, 409, 'Réponse impossible', `<p>${escapeHtml(err.message)}</p>`);
        if (isUnavailable(err)) return unavailable(res);
        throw err;
      }
      return page(
        res,
        200,
        answer === 'accept' ? 'Merci, votre participation est enregistrée' : 'Votre réponse est enregistrée',
        answer === 'accept'
          ? '<p>Vous recevrez la convocation avec la liste des candidats dès que le jury sera complet.</p>'
          : '<p>Un autre membre sera invité. Merci de votre réponse.</p>',
      );
    },
  );
  return router;
}
