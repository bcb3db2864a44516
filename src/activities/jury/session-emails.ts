import { formatDayFr, formatDayTimeFr } from '../../domain/paris-time.js';
import { operatorEmail, type RenderedEmail } from '../../notifications/layout.js';

/** The e-mails of a jury session: to its members (invitation, convocation, cancellation) and organiser. */
export type SessionEmailKind =
  'invitation' | 'member_convocation' | 'cancelled' | 'no_replacement' | 'composition_failed';

export interface SessionEmailData {
  recipientName: string;
  session: {
    id: string;
    rncp_code: string;
    starts_at: Date;
    ends_at: Date;
    modality: 'on_site' | 'remote';
    place: string | null;
    room_url: string | null;
  };
  certificationTitle: string;
  candidates: { name: string; blocks: string[] }[];
  link?: string;
  respondBy?: string;
  poolSize?: string;
  freeMembers?: string;
  remoteCapable?: string;
  /** The shortage report's sentences: what is missing, what would widen the pool. */
  shortage?: string[];
}

function sessionItems(d: SessionEmailData): string[] {
  const s = d.session;
  return [
    `Date : le ${formatDayTimeFr(s.starts_at)} (heure de Paris), jusqu’à ${formatDayTimeFr(s.ends_at).split(' à ')[1] ?? ''}`,
    `Certification : ${d.certificationTitle} (${s.rncp_code})`,
    s.modality === 'remote'
      ? `À distance, salle virtuelle : ${s.room_url ?? 'le lien vous sera communiqué'}`
      : `Sur place : ${s.place ?? 'lieu communiqué par l’organisateur'}`,
  ];
}

export function renderSessionEmail(kind: SessionEmailKind, d: SessionEmailData): RenderedEmail {
  const hello = `Bonjour ${d.recipientName},`;
  const day = formatDayFr(d.session.starts_at);
  switch (kind) {
    case 'invitation':
      return operatorEmail(`Invitation à siéger dans un jury de VAE le ${day}`, hello, {
        paragraphs: [
          'Vous êtes invité(e) à siéger dans le jury de validation des acquis de l’expérience ci-dessous.',
          `Merci de répondre avant le ${formatDayTimeFr(new Date(d.respondBy ?? d.session.starts_at))} (heure de Paris) : sans réponse, le siège sera proposé à un autre membre.`,
        ],
        items: sessionItems(d),
        closing: [
          `Pour accepter ou décliner, ouvrez ce lien personnel (sans mot de passe) : ${d.link ?? ''}`,
          'La liste des candidats vous sera envoyée avec la convocation, une fois le jury composé.',
        ],
      });
    case 'member_convocation':
      return operatorEmail(`Convocation : jury de VAE le ${day}`, hello, {
        paragraphs: [
          'Le jury est composé : vous êtes convoqué(e) à la session ci-dessous.',
          `Candidats évalués (${d.candidates.length}) :`,
        ],
        items: [...sessionItems(d), ...d.candidates.map((c) => `${c.name} — blocs ${c.blocks.join(', ')}`)],
        closing: [
          'Si un lien personnel ou professionnel vous unit à l’un de ces candidats, signalez-le sans attendre à l’organisateur : vous ne pourriez pas délibérer.',
        ],
      });
    case 'cancelled':
      return operatorEmail(`Session de jury du ${day} annulée`, hello, {
        paragraphs: ['La session de jury ci-dessous est annulée. Merci de votre disponibilité.'],
        items: sessionItems(d),
      });
    case 'no_replacement':
    case 'composition_failed':
      return operatorEmail(
        kind === 'no_replacement'
          ? `Jury du ${day} : aucun remplaçant disponible`
          : `Jury du ${day} incomplet à la date limite de composition`,
        hello,
        {
          paragraphs: [
            kind === 'no_replacement'
              ? 'Un membre a décliné, s’est désisté ou n’a pas répondu, et aucun membre du vivier ne peut prendre son siège en respectant toutes les règles (qualification, disponibilité, absence de lien avec les candidats, plafond annuel).'
              : 'Le jury de la session ci-dessous n’est pas complet à sa date limite de composition : les candidats ne peuvent pas encore être convoqués.',
            `Vivier pour cette certification : ${d.poolSize ?? '0'} membre(s) actif(s), dont ${d.freeMembers ?? '0'} hors de cette session et ${d.remoteCapable ?? '0'} pouvant siéger à distance.`,
          ],
          items: [...sessionItems(d), ...(d.shortage ?? [])],
          closing: [
            'Autres possibilités : passer la session à distance pour ouvrir le vivier aux membres éloignés ; la déplacer à une autre date (relancez le planificateur) ; inviter un membre hors vivier après l’avoir ajouté ; ou annuler la session, les candidats restent en attente avec leurs délais.',
            'Sans jury complet au début de la session, elle sera annulée automatiquement et les candidats remis en attente.',
          ],
        },
      );
  }
}
