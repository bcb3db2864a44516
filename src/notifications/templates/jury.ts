import { candidateEmail, operatorEmail } from '../layout.js';
import {
  blockTitle,
  blocksLabel,
  candidacySummary,
  candidateReference,
  certificationLabel,
  dateFr,
  dateTimeFr,
  greeting,
  requireBoolean,
  requireDate,
  requireOneOf,
  requireString,
  requireStringArray,
  TemplateDataError,
  type EmailContext,
  type Template,
} from '../context.js';
import {
  JURY_MODALITIES,
  JURY_OUTCOMES,
  MODALITY_LABELS,
  OUTCOME_LABELS,
  type JuryOutcome,
} from '../labels.js';
import { JURY_CANCELLATION_REASONS, type JuryCancellationReason } from '../../domain/reason-codes.js';

const JURY_CANCELLATION_LABELS: Record<JuryCancellationReason, string> = {
  session_cancelled: 'la session a été annulée par l’organisateur des jurys',
  jury_not_composed: 'le jury n’a pas pu être réuni à cette date',
  candidate_unavailable: 'vous avez signalé un empêchement',
  other: 'la session ne peut pas se tenir à cette date',
};

interface Session {
  sessionAt: string;
  modality: keyof typeof MODALITY_LABELS;
  place: string;
}

function session(ctx: EmailContext): Session {
  return {
    sessionAt: requireDate(ctx.data, 'sessionAt'),
    modality: requireOneOf(ctx.data, 'modality', JURY_MODALITIES),
    place: requireString(ctx.data, 'place'),
  };
}

function sessionItems(s: Session): string[] {
  return [
    `Date : le ${dateTimeFr(s.sessionAt)} (heure de Paris)`,
    `Modalité : ${MODALITY_LABELS[s.modality]}`,
    s.modality === 'remote' ? `Lien de connexion : ${s.place}` : `Lieu : ${s.place}`,
  ];
}

function sessionAdvice(ctx: EmailContext, s: Session): string[] {
  return [
    `Blocs de compétences évalués : ${blocksLabel(ctx).join(' ; ')}.`,
    s.modality === 'remote'
      ? 'Connectez-vous quelques minutes avant l’heure indiquée, depuis un endroit calme, avec une caméra et un micro en état de marche. Gardez une pièce d’identité à portée de main.'
      : 'Présentez-vous quelques minutes avant l’heure indiquée, avec une pièce d’identité en cours de validité.',
    'En cas d’empêchement, prévenez le certificateur ou votre accompagnateur au plus tôt : une absence excusée permet de programmer une nouvelle session.',
  ];
}

interface Result {
  outcome: JuryOutcome;
  validated: string[];
  remaining: string[];
}

function result(ctx: EmailContext): Result {
  const outcome = requireOneOf(ctx.data, 'outcome', JURY_OUTCOMES);
  const validated = requireStringArray(ctx.data, 'validatedBlocks').map((code) => blockTitle(ctx, code));
  const remaining = requireStringArray(ctx.data, 'remainingBlocks').map((code) => blockTitle(ctx, code));
  if (outcome === 'partial' && (validated.length === 0 || remaining.length === 0)) {
    throw new TemplateDataError(
      'E-mail data fields "validatedBlocks" and "remainingBlocks" must both be non-empty for a partial validation',
      ['validatedBlocks', 'remainingBlocks'],
    );
  }
  return { outcome, validated, remaining };
}

/** Validated and remaining blocks in one list. */
function partialItems(r: Result): string[] {
  return [
    ...r.validated.map((b) => `Acquis définitivement : ${b}`),
    ...r.remaining.map((b) => `Reste à valider : ${b}`),
  ];
}

/** What the outcome is, told to an operator. */
function outcomeForOperator(r: Result): string {
  switch (r.outcome) {
    case 'full':
      return 'Validation totale : tous les blocs de compétences présentés sont validés.';
    case 'partial':
      return 'Validation partielle : le jury a validé une partie des blocs de compétences présentés.';
    case 'refused':
      return 'Refus de validation : aucun bloc de compétences n’a été validé.';
    case 'absent':
      return 'Le candidat était absent à la session de jury : aucun bloc de compétences n’a pu être évalué.';
    case 'excused':
      return 'Absence excusée : le candidat n’a pas pu se présenter à la session ; une nouvelle session sera programmée par le certificateur.';
  }
}

const ADVISOR_NEXT: Record<JuryOutcome, string> = {
  full: 'Le candidat a été informé. Aucune action n’est attendue de votre part.',
  partial:
    'Le candidat a été informé et invité à vous contacter : vous pouvez lui ouvrir un parcours complémentaire pour les blocs restants.',
  refused: 'Le candidat a été informé et invité à vous contacter pour étudier les suites possibles.',
  absent: 'Le candidat a été invité à vous contacter s’il souhaite poursuivre.',
  excused: 'Le candidat a été informé. Aucune action n’est attendue de votre part.',
};

const COACH_NEXT: Record<JuryOutcome, string> = {
  full: 'Merci pour votre accompagnement.',
  partial:
    'Merci pour votre accompagnement. Le conseiller du candidat pourra lui proposer un parcours complémentaire pour les blocs restants.',
  refused:
    'Merci pour votre accompagnement. Le conseiller du candidat étudiera avec lui les suites possibles.',
  absent:
    'Si vous êtes en contact avec le candidat, invitez-le à joindre son conseiller s’il souhaite poursuivre.',
  excused: 'Merci d’aider le candidat à se préparer à la nouvelle session.',
};

function resultToOperator(ctx: EmailContext, next: Record<JuryOutcome, string>) {
  const r = result(ctx);
  return operatorEmail(`Résultat du jury : ${OUTCOME_LABELS[r.outcome].toLowerCase()}`, greeting(ctx), {
    paragraphs: [candidacySummary(ctx), outcomeForOperator(r)],
    items: r.outcome === 'partial' ? partialItems(r) : [],
    closing: [next[r.outcome]],
  });
}

/** Jury: scheduling deadlines, convocation, reminders, result. */
export const JURY_TEMPLATES = {
  'certifier.jury_escalation': (ctx) => {
    const juryDeadlineAt = requireDate(ctx.data, 'juryDeadlineAt');
    return operatorEmail(
      `Urgent : aucun jury planifié, date limite le ${dateFr(juryDeadlineAt)}`,
      greeting(ctx),
      {
        paragraphs: [
          'Aucune session de jury n’est encore planifiée pour la candidature ci-dessous.',
          candidacySummary(ctx),
          `Le candidat doit être évalué au plus tard le ${dateFr(juryDeadlineAt)}, fin du troisième mois suivant le dépôt de son dossier de validation.`,
        ],
        closing: [
          'Merci de planifier la session dès que possible, en tenant compte du délai de convocation.',
        ],
      },
    );
  },

  'certifier.jury_deadline_missed': (ctx) => {
    const juryDeadlineAt = requireDate(ctx.data, 'juryDeadlineAt');
    return operatorEmail(`Délai de jury dépassé (${dateFr(juryDeadlineAt)})`, greeting(ctx), {
      paragraphs: [
        `La date limite d’évaluation par un jury, fixée au ${dateFr(juryDeadlineAt)}, est dépassée : aucune session n’a été planifiée pour la candidature ci-dessous.`,
        candidacySummary(ctx),
      ],
      closing: ['Merci de planifier la session sans attendre et de convoquer le candidat.'],
    });
  },

  'lead.jury_deadline_missed': (ctx) => {
    const juryDeadlineAt = requireDate(ctx.data, 'juryDeadlineAt');
    return operatorEmail(`Jury non tenu dans le délai légal (${dateFr(juryDeadlineAt)})`, greeting(ctx), {
      paragraphs: [
        `Pour information, la date limite d’évaluation par un jury (fin du 3e mois après le dépôt du dossier de validation), fixée au ${dateFr(juryDeadlineAt)}, est dépassée sans session planifiée par le certificateur.`,
        candidacySummary(ctx),
      ],
      closing: [
        'Le certificateur a été alerté. Vous pouvez suivre cette candidature depuis votre tableau de bord.',
      ],
    });
  },

  'candidate.jury_convocation': (ctx) => {
    const s = session(ctx);
    const rescheduled = requireBoolean(ctx.data, 'rescheduled');
    return candidateEmail(
      ctx,
      rescheduled
        ? `Nouvelle date de jury VAE : le ${dateFr(s.sessionAt)}`
        : `Convocation au jury VAE le ${dateFr(s.sessionAt)}`,
      {
        paragraphs: [
          rescheduled
            ? `Votre session d’évaluation pour la certification ${certificationLabel(ctx)} a été reprogrammée. Cette convocation remplace la précédente :`
            : `Le certificateur vous convoque devant le jury de VAE pour la certification ${certificationLabel(ctx)} :`,
        ],
        items: sessionItems(s),
        closing: [...sessionAdvice(ctx, s), candidateReference(ctx)],
      },
    );
  },

  'candidate.jury_cancelled': (ctx) => {
    const sessionAt = requireDate(ctx.data, 'sessionAt');
    const reason = requireOneOf(ctx.data, 'reason', JURY_CANCELLATION_REASONS);
    return candidateEmail(ctx, `Session de jury du ${dateFr(sessionAt)} annulée`, {
      paragraphs: [
        `Votre convocation au jury de VAE du ${dateTimeFr(sessionAt)} (heure de Paris), pour la certification ${certificationLabel(ctx)}, est annulée : ${JURY_CANCELLATION_LABELS[reason]}.`,
        'Vous n’avez rien à faire : le certificateur vous convoquera à une nouvelle session, dans le délai légal et avec le délai de convocation habituel. Cette annulation ne change rien aux blocs de compétences présentés ni à votre dossier de validation.',
      ],
      closing: [candidateReference(ctx)],
    });
  },

  'candidate.jury_reminder': (ctx) => {
    const s = session(ctx);
    return candidateEmail(ctx, `Rappel : votre jury VAE le ${dateFr(s.sessionAt)}`, {
      paragraphs: [
        `Votre passage devant le jury de VAE pour la certification ${certificationLabel(ctx)} approche :`,
      ],
      items: sessionItems(s),
      closing: [...sessionAdvice(ctx, s), candidateReference(ctx)],
    });
  },

  'certifier.result_reminder': (ctx) => {
    const sessionAt = requireDate(ctx.data, 'sessionAt');
    const resultDueAt = requireDate(ctx.data, 'resultDueAt');
    return operatorEmail(`Résultat du jury à saisir avant le ${dateFr(resultDueAt)}`, greeting(ctx), {
      paragraphs: [
        `Aucun résultat n’est encore enregistré pour la session de jury du ${dateTimeFr(sessionAt)} concernant la candidature ci-dessous.`,
        candidacySummary(ctx),
      ],
      closing: [
        `Le résultat doit être notifié au candidat au plus tard le ${dateFr(resultDueAt)}. Merci de le saisir dans Parcours VAE dès que possible : validation totale, validation partielle (avec les blocs obtenus), refus, absence ou absence excusée.`,
      ],
    });
  },

  'candidate.result': (ctx) => {
    const r = result(ctx);
    const cert = certificationLabel(ctx);
    const ref = candidateReference(ctx);
    switch (r.outcome) {
      case 'full':
        return candidateEmail(ctx, 'Félicitations : votre VAE est validée', {
          paragraphs: [
            `Félicitations ! Le jury a validé tous les blocs de compétences que vous présentiez pour la certification ${cert}. Ils vous sont acquis définitivement :`,
          ],
          items: r.validated.length ? r.validated : blocksLabel(ctx),
          closing: [
            'Le certificateur vous adressera le document officiel attestant de cette validation.',
            'Si la certification comprend d’autres blocs que ceux-ci, votre conseiller peut vous aider à envisager la suite pour l’obtenir en totalité.',
            ref,
          ],
        });
      case 'partial':
        return candidateEmail(ctx, 'Résultat de votre jury VAE : validation partielle', {
          paragraphs: [
            `Le jury a validé une partie des blocs de compétences que vous présentiez pour la certification ${cert}.`,
            'Les blocs validés vous sont acquis définitivement : vous n’aurez pas à les présenter de nouveau.',
          ],
          items: partialItems(r),
          closing: [
            'Pour les blocs restants, le jury a pu formuler des préconisations (expérience complémentaire, formation). Votre conseiller peut vous ouvrir un parcours complémentaire et vous aider à vous présenter de nouveau devant le jury pour ces blocs : prenez contact avec lui.',
            ref,
          ],
        });
      case 'refused':
        return candidateEmail(ctx, 'Résultat de votre jury VAE', {
          paragraphs: [
            `Le jury n’a validé aucun des blocs de compétences que vous présentiez pour la certification ${cert}.`,
            'Ce résultat peut être difficile à recevoir. Le jury a pu formuler des préconisations : votre conseiller peut vous les expliquer et étudier avec vous les suites possibles (expérience complémentaire, formation, nouvelle candidature).',
          ],
          closing: [ref],
        });
      case 'absent':
        return candidateEmail(ctx, 'Absence à votre session de jury VAE', {
          paragraphs: [
            `Nous avons constaté votre absence à la session de jury prévue pour votre candidature à la certification ${cert} : vos blocs de compétences n’ont donc pas pu être évalués.`,
            'Si vous souhaitez poursuivre, contactez rapidement votre conseiller pour étudier la possibilité d’une nouvelle session.',
          ],
          closing: [ref],
        });
      case 'excused':
        return candidateEmail(ctx, 'Absence excusée : une nouvelle session de jury sera programmée', {
          paragraphs: [
            `Votre absence à la session de jury pour la certification ${cert} est excusée.`,
            'Une nouvelle session sera programmée : vous recevrez une nouvelle convocation par e-mail, avec la date, l’heure et le lieu.',
          ],
          closing: [ref],
        });
    }
  },

  'advisor.result': (ctx) => resultToOperator(ctx, ADVISOR_NEXT),
  'coach.result': (ctx) => resultToOperator(ctx, COACH_NEXT),
} satisfies Record<string, Template>;
