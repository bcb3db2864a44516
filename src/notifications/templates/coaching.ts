import { candidateEmail, operatorEmail } from '../layout.js';
import {
  blocksLabel,
  candidacySummary,
  candidateReference,
  certificationLabel,
  dateFr,
  greeting,
  operatorName,
  requireBoolean,
  requireDate,
  requireNumber,
  requireOneOf,
  requireString,
  type EmailContext,
  type Template,
} from '../context.js';
import { ABANDONMENT_REASONS, type AbandonmentReason } from '../labels.js';

interface Reminder {
  number: number;
  /** Reminders still to come before abandonment is proposed (0: this was the last one). */
  remaining: number;
  total: number;
}

function reminder(ctx: EmailContext): Reminder {
  const number = requireNumber(ctx.data, 'reminderNumber', { integer: true, min: 1 });
  const total = requireNumber(ctx.data, 'remindersBeforeAbandonment', { integer: true, min: 1 });
  return { number, total, remaining: Math.max(total - number, 0) };
}

function abandonment(ctx: EmailContext): { contestDueAt: string; reason: AbandonmentReason } {
  return {
    contestDueAt: requireDate(ctx.data, 'contestDueAt'),
    reason: requireOneOf(ctx.data, 'reason', ABANDONMENT_REASONS),
  };
}

function abandonmentReasonForOperator(reason: AbandonmentReason): string {
  return reason === 'inactivity'
    ? 'Motif : aucune avancée du dossier de validation malgré les relances envoyées au candidat.'
    : 'Motif : l’accompagnement n’a pas commencé dans le délai prévu après la recevabilité.';
}

/** Abandonment proposed, to an operator (coach or advisor). */
function abandonmentProposedToOperator(ctx: EmailContext, action: string) {
  const { contestDueAt, reason } = abandonment(ctx);
  return operatorEmail(
    `Abandon proposé : contestation possible jusqu’au ${dateFr(contestDueAt)}`,
    greeting(ctx),
    {
      paragraphs: [
        'Un abandon est proposé pour la candidature ci-dessous.',
        candidacySummary(ctx),
        abandonmentReasonForOperator(reason),
      ],
      closing: [
        `Le candidat a été prévenu et peut contester cet abandon jusqu’au ${dateFr(contestDueAt)}. ${action}`,
        'Sans contestation à cette date, la candidature sera déclarée abandonnée.',
      ],
    },
  );
}

/** Coaching: assignment, inactivity, abandonment, validation file. */
export const COACHING_TEMPLATES = {
  'candidate.coach_assigned': (ctx) => {
    const coachId = requireString(ctx.data, 'coachOperatorId');
    const reinforced = requireBoolean(ctx.data, 'reinforced');
    const startDueAt = requireDate(ctx.data, 'startDueAt');
    const known = operatorName(ctx, coachId, '');
    const coach = known || 'L’organisme accompagnateur désigné';
    return candidateEmail(
      ctx,
      known ? `Votre accompagnateur VAE : ${known}` : 'Votre accompagnement VAE est organisé',
      {
        paragraphs: [
          `${coach} vous accompagnera dans la rédaction de votre dossier de validation pour la certification ${certificationLabel(ctx)}.`,
          reinforced
            ? 'Vous bénéficiez d’un accompagnement renforcé : un suivi rapproché et des rendez-vous plus fréquents.'
            : 'Vous bénéficiez d’un accompagnement standard.',
          `${coach} va prendre contact avec vous. Votre accompagnement doit commencer au plus tard le ${dateFr(startDueAt)} ; s’il n’a pas commencé à cette date, un abandon de votre candidature pourrait être proposé.`,
        ],
        closing: [
          'Le dossier de validation décrit vos activités et les compétences que vous avez acquises ; sa rédaction prend du temps, souvent plusieurs mois. Commencer tôt et avancer régulièrement est la meilleure façon de réussir.',
          candidateReference(ctx),
        ],
      },
    );
  },

  'coach.coach_assigned': (ctx) => {
    const startDueAt = requireDate(ctx.data, 'startDueAt');
    const reinforced = requireBoolean(ctx.data, 'reinforced');
    return operatorEmail(
      `Nouvelle candidature à accompagner : début avant le ${dateFr(startDueAt)}`,
      greeting(ctx),
      {
        paragraphs: [
          'Votre organisme a été désigné pour accompagner le candidat ci-dessous dans la rédaction de son dossier de validation.',
          candidacySummary(ctx),
          ctx.blocks.length === 1 ? 'Bloc de compétences visé :' : 'Blocs de compétences visés :',
        ],
        items: blocksLabel(ctx),
        closing: [
          reinforced
            ? 'Accompagnement renforcé : le candidat relève d’un public prioritaire (faible niveau de qualification ou emploi menacé). Merci de prévoir un suivi rapproché.'
            : 'Accompagnement standard.',
          `Merci de prendre contact avec le candidat et de démarrer l’accompagnement au plus tard le ${dateFr(startDueAt)}. Passé cette date, un abandon de la candidature pourra être proposé. Ses coordonnées sont disponibles dans Parcours VAE.`,
        ],
      },
    );
  },

  'candidate.inactivity_reminder': (ctx) => {
    const r = reminder(ctx);
    const next =
      r.remaining === 0
        ? 'C’est notre dernière relance : sans nouvelles de votre part, un abandon de votre candidature sera proposé. Vous pourrez toutefois le contester.'
        : `Sans nouvelles de votre part après ${r.remaining === 1 ? 'encore une relance' : `encore ${r.remaining} relances`}, un abandon de votre candidature pourra être proposé.`;
    return candidateEmail(ctx, `Relance n° ${r.number} : où en est votre dossier de validation ?`, {
      paragraphs: [
        `Nous n’avons pas constaté d’avancée récente sur votre dossier de validation pour la certification ${certificationLabel(ctx)}.`,
        next,
      ],
      closing: [
        'Pour reprendre, il suffit de contacter votre accompagnateur : il vous aidera à organiser la suite, même si vous avancez à petits pas.',
        candidateReference(ctx),
      ],
    });
  },

  'coach.inactivity_reminder': (ctx) => {
    const r = reminder(ctx);
    return operatorEmail(`Candidat sans activité : relance n° ${r.number} envoyée`, greeting(ctx), {
      paragraphs: [
        'Aucune activité n’a été enregistrée récemment sur le dossier de validation de la candidature ci-dessous.',
        candidacySummary(ctx),
        `Le candidat a reçu la relance n° ${r.number} (un abandon est proposé après ${r.total} relance${r.total === 1 ? '' : 's'} sans réponse).`,
      ],
      closing: [
        'Merci de prendre contact avec le candidat pour faire le point et, si le travail a repris, de l’enregistrer dans Parcours VAE.',
      ],
    });
  },

  'candidate.abandonment_proposed': (ctx) => {
    const { contestDueAt, reason } = abandonment(ctx);
    return candidateEmail(
      ctx,
      `Abandon de votre candidature envisagé : réponse avant le ${dateFr(contestDueAt)}`,
      {
        paragraphs: [
          reason === 'inactivity'
            ? 'Malgré nos relances, nous n’avons pas constaté d’avancée sur votre dossier de validation.'
            : 'Votre accompagnement n’a pas commencé dans le délai prévu après la recevabilité de votre demande.',
          `Nous envisageons donc de déclarer abandonnée votre candidature à la certification ${certificationLabel(ctx)}.`,
          `Si vous souhaitez poursuivre votre parcours, vous pouvez contester cet abandon jusqu’au ${dateFr(contestDueAt)} : il suffit de contacter votre accompagnateur ou votre conseiller.`,
        ],
        closing: [
          'Sans réponse de votre part à cette date, votre candidature sera déclarée abandonnée.',
          candidateReference(ctx),
        ],
      },
    );
  },

  'coach.abandonment_proposed': (ctx) =>
    abandonmentProposedToOperator(
      ctx,
      'S’il se manifeste auprès de vous, merci d’enregistrer sa contestation dans Parcours VAE avant cette date.',
    ),

  'advisor.abandonment_proposed': (ctx) =>
    abandonmentProposedToOperator(
      ctx,
      'S’il vous contacte pour poursuivre, merci d’enregistrer sa contestation dans Parcours VAE avant cette date.',
    ),

  'candidate.abandonment_contested': (ctx) =>
    candidateEmail(ctx, 'Votre candidature se poursuit', {
      paragraphs: [
        `Votre contestation est enregistrée : votre candidature à la certification ${certificationLabel(ctx)} n’est pas abandonnée et votre parcours continue.`,
        'Reprenez contact dès que possible avec votre accompagnateur pour organiser la suite de la rédaction de votre dossier de validation.',
      ],
      closing: [candidateReference(ctx)],
    }),

  'coach.abandonment_contested': (ctx) =>
    operatorEmail('Abandon contesté : l’accompagnement continue', greeting(ctx), {
      paragraphs: [
        'Le candidat a contesté l’abandon proposé : sa candidature se poursuit.',
        candidacySummary(ctx),
      ],
      closing: [
        'Merci de reprendre rapidement contact avec le candidat pour relancer la rédaction de son dossier de validation.',
      ],
    }),

  'candidate.abandoned': (ctx) =>
    candidateEmail(ctx, 'Votre candidature est déclarée abandonnée', {
      paragraphs: [
        `Faute de contestation dans le délai prévu, votre candidature à la certification ${certificationLabel(ctx)} est déclarée abandonnée. Votre parcours s’arrête.`,
        'Si vous souhaitez reprendre un projet de VAE plus tard, vous pourrez déposer une nouvelle candidature : un conseiller pourra vous accompagner.',
      ],
      closing: [candidateReference(ctx)],
    }),

  'coach.abandoned': (ctx) =>
    operatorEmail('Candidature abandonnée : fin de l’accompagnement', greeting(ctx), {
      paragraphs: [
        'Le candidat n’a pas contesté l’abandon dans le délai : la candidature ci-dessous est déclarée abandonnée.',
        candidacySummary(ctx),
      ],
      closing: ['L’accompagnement prend fin : aucune action n’est plus attendue de votre part.'],
    }),

  'advisor.abandoned': (ctx) =>
    operatorEmail('Candidature abandonnée', greeting(ctx), {
      paragraphs: [
        'Le candidat n’a pas contesté l’abandon dans le délai : la candidature ci-dessous est déclarée abandonnée.',
        candidacySummary(ctx),
      ],
      closing: [
        'Aucune action n’est attendue de votre part. Si le candidat vous recontacte, une nouvelle candidature pourra être envisagée.',
      ],
    }),

  'candidate.validation_file_received': (ctx) => {
    const juryDeadlineAt = requireDate(ctx.data, 'juryDeadlineAt');
    return candidateEmail(ctx, 'Dossier de validation reçu : prochaine étape, le jury', {
      paragraphs: [
        `Votre dossier de validation pour la certification ${certificationLabel(ctx)} a bien été transmis au certificateur. Bravo pour ce travail !`,
        `Prochaine étape : le certificateur organise votre passage devant un jury, qui doit avoir lieu au plus tard le ${dateFr(juryDeadlineAt)}. Vous recevrez une convocation par e-mail avec la date, l’heure et le lieu (ou le lien de connexion) de la session.`,
        ctx.blocks.length === 1 ? 'Bloc de compétences présenté :' : 'Blocs de compétences présentés :',
      ],
      items: blocksLabel(ctx),
      closing: [candidateReference(ctx)],
    });
  },

  'certifier.validation_file_submitted': (ctx) => {
    const juryDeadlineAt = requireDate(ctx.data, 'juryDeadlineAt');
    return operatorEmail(
      `Dossier de validation reçu : jury à réunir avant le ${dateFr(juryDeadlineAt)}`,
      greeting(ctx),
      {
        paragraphs: [
          'Le dossier de validation de la candidature ci-dessous vous a été transmis.',
          candidacySummary(ctx),
          ctx.blocks.length === 1 ? 'Bloc de compétences présenté :' : 'Blocs de compétences présentés :',
        ],
        items: blocksLabel(ctx),
        closing: [
          `Le candidat doit être évalué par un jury au plus tard le ${dateFr(juryDeadlineAt)} (fin du troisième mois suivant le dépôt du dossier). Merci de planifier la session et d’envoyer la convocation en respectant le délai de convocation.`,
          'Rappel : le jury compte au moins deux membres, dont un qualifié pour la certification ; aucun membre ne doit avoir de lien personnel ou professionnel avec le candidat, ni l’avoir accompagné.',
        ],
      },
    );
  },
} satisfies Record<string, Template>;
