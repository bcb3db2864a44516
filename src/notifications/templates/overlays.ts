import { OPERATOR_ROLES } from '../../domain/roles.js';
import { candidateEmail, operatorEmail } from '../layout.js';
import {
  candidacySummary,
  candidateReference,
  certificationLabel,
  dateFr,
  greeting,
  operatorName,
  requireDate,
  requireOneOf,
  requireString,
  type Template,
} from '../context.js';
import { OPERATOR_ROLE_LABELS } from '../labels.js';

/** Overlays at any step: withdrawal, transfer to another operator, archiving. */
export const OVERLAY_TEMPLATES = {
  'candidate.withdrawn': (ctx) =>
    candidateEmail(ctx, 'Confirmation du retrait de votre candidature', {
      paragraphs: [
        `Nous confirmons le retrait de votre candidature à la VAE pour la certification ${certificationLabel(ctx)}. Votre parcours est arrêté et les organismes qui vous suivaient en ont été informés.`,
        'Si vous souhaitez reprendre un projet de VAE plus tard, un conseiller pourra vous accompagner dans une nouvelle démarche.',
      ],
      closing: [candidateReference(ctx)],
    }),

  'operator.withdrawn': (ctx) =>
    operatorEmail('Retrait de candidature', greeting(ctx), {
      paragraphs: ['Le candidat a retiré sa candidature.', candidacySummary(ctx)],
      closing: [
        'Le parcours est arrêté : aucune action n’est plus attendue de votre part sur cette candidature.',
      ],
    }),

  'operator.transfer_requested': (ctx) => {
    const fromId = requireString(ctx.data, 'fromOperatorId');
    requireString(ctx.data, 'toOperatorId');
    const dueAt = requireDate(ctx.data, 'dueAt');
    const role = requireOneOf(ctx.data, 'role', OPERATOR_ROLES);
    const from = operatorName(ctx, fromId, 'l’organisme actuel');
    return operatorEmail(`Transfert de candidature à accepter avant le ${dateFr(dueAt)}`, greeting(ctx), {
      paragraphs: [
        `Le transfert de la candidature ci-dessous vers votre organisme est demandé, pour la mission « ${OPERATOR_ROLE_LABELS[role]} ». Elle est aujourd’hui suivie par ${from}.`,
        candidacySummary(ctx),
      ],
      closing: [
        `Merci d’accepter ou de refuser ce transfert dans Parcours VAE au plus tard le ${dateFr(dueAt)}. Sans réponse à cette date, la candidature restera suivie par ${from} et le porteur de projet en sera informé.`,
      ],
    });
  },

  'operator.transfer_accepted': (ctx) => {
    requireString(ctx.data, 'fromOperatorId');
    const toId = requireString(ctx.data, 'toOperatorId');
    const role = requireOneOf(ctx.data, 'role', OPERATOR_ROLES);
    const to = operatorName(ctx, toId, '');
    return operatorEmail(
      to ? `Transfert accepté par ${to}` : 'Transfert de candidature accepté',
      greeting(ctx),
      {
        paragraphs: [
          `${to || 'Le nouvel organisme'} a accepté le transfert de la candidature ci-dessous, pour la mission « ${OPERATOR_ROLE_LABELS[role]} ».`,
          candidacySummary(ctx),
        ],
        closing: [
          'Pour cette mission, la candidature ne relève plus de votre organisme : aucune action n’est plus attendue de votre part. Merci de transmettre au nouvel organisme les éléments utiles au suivi, si ce n’est pas déjà fait.',
        ],
      },
    );
  },

  'candidate.transfer_accepted': (ctx) => {
    const toId = requireString(ctx.data, 'toOperatorId');
    const role = requireOneOf(ctx.data, 'role', OPERATOR_ROLES);
    const to = operatorName(ctx, toId, '');
    return candidateEmail(ctx, 'Changement d’organisme pour votre parcours VAE', {
      paragraphs: [
        `Pour la mission « ${OPERATOR_ROLE_LABELS[role]} », votre candidature à la certification ${certificationLabel(ctx)} est désormais suivie par ${to || 'un nouvel organisme'}.`,
        `${to || 'Ce nouvel organisme'} prendra contact avec vous si nécessaire. Votre parcours se poursuit : vous n’avez aucune démarche à faire.`,
      ],
      closing: [candidateReference(ctx)],
    });
  },

  'lead.transfer_escalated': (ctx) => {
    const fromId = requireString(ctx.data, 'fromOperatorId');
    const toId = requireString(ctx.data, 'toOperatorId');
    const role = requireOneOf(ctx.data, 'role', OPERATOR_ROLES);
    const dueAt = requireDate(ctx.data, 'dueAt');
    const from = operatorName(ctx, fromId, 'l’organisme actuel');
    const to = operatorName(ctx, toId, 'l’organisme désigné');
    return operatorEmail('Transfert de candidature non accepté dans le délai', greeting(ctx), {
      paragraphs: [
        `Le transfert de la candidature ci-dessous de ${from} vers ${to}, pour la mission « ${OPERATOR_ROLE_LABELS[role]} », n’a pas été accepté avant le ${dateFr(dueAt)}.`,
        candidacySummary(ctx),
        `La candidature reste suivie par ${from}.`,
      ],
      closing: [
        'Merci de faire le point avec les deux organismes et, si besoin, de désigner un autre organisme pour cette mission.',
      ],
    });
  },

  'operator.transfer_expired': (ctx) => {
    const fromId = requireString(ctx.data, 'fromOperatorId');
    const toId = requireString(ctx.data, 'toOperatorId');
    const role = requireOneOf(ctx.data, 'role', OPERATOR_ROLES);
    const dueAt = requireDate(ctx.data, 'dueAt');
    const from = operatorName(ctx, fromId, 'l’organisme actuel');
    const to = operatorName(ctx, toId, 'l’organisme désigné');
    return operatorEmail('Transfert de candidature expiré', greeting(ctx), {
      paragraphs: [
        `Le transfert de la candidature ci-dessous de ${from} vers ${to}, pour la mission « ${OPERATOR_ROLE_LABELS[role]} », n’a pas été accepté avant le ${dateFr(dueAt)} : il est annulé.`,
        candidacySummary(ctx),
        `La candidature reste suivie par ${from}. Le porteur de projet a été informé.`,
      ],
    });
  },

  'candidate.archived': (ctx) =>
    candidateEmail(ctx, 'Votre candidature est archivée', {
      paragraphs: [
        `Votre candidature à la VAE pour la certification ${certificationLabel(ctx)} est clôturée et archivée. Aucune démarche n’est plus attendue de votre part.`,
        'Les blocs de compétences que vous avez validés, le cas échéant, vous restent acquis définitivement.',
        'Pour un nouveau projet de VAE, un conseiller pourra vous accompagner.',
      ],
      closing: [candidateReference(ctx)],
    }),

  'operator.archived': (ctx) =>
    operatorEmail('Candidature archivée', greeting(ctx), {
      paragraphs: ['La candidature ci-dessous est clôturée et archivée.', candidacySummary(ctx)],
      closing: ['Aucune action n’est plus attendue de votre part sur cette candidature.'],
    }),
} satisfies Record<string, Template>;
