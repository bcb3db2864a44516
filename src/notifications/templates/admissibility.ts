import { INADMISSIBILITY_REASON_CODES, MISSING_ITEM_CODES } from '../../domain/codes.js';
import { candidateEmail, operatorEmail } from '../layout.js';
import {
  blocksLabel,
  candidacySummary,
  candidateReference,
  certificationLabel,
  dateFr,
  greeting,
  optionalOneOf,
  requireBoolean,
  requireCodes,
  requireDate,
  requireOneOf,
  type EmailContext,
  type Template,
} from '../context.js';
import {
  INADMISSIBILITY_REASON_LABELS,
  MISSING_ITEM_LABELS,
  SILENCE_RULES,
  type SilenceRule,
} from '../labels.js';

/** What the certifier's silence at the deadline means, told to the candidate. */
function silenceForCandidate(rule: SilenceRule | undefined): string {
  switch (rule) {
    case 'admissible':
      return 'Sans réponse du certificateur à cette date, votre demande sera considérée comme recevable : pour votre certification, le silence vaut acceptation.';
    case 'rejected':
      return 'Sans réponse du certificateur à cette date, votre demande sera considérée comme rejetée : pour votre certification, le silence vaut refus. Votre conseiller vous aiderait alors à envisager la suite.';
    case undefined:
      return 'Sans réponse du certificateur à cette date, la règle prévue pour votre certification s’appliquera : en règle générale, le silence vaut acceptation de la demande. Votre conseiller peut vous préciser la règle qui vous concerne.';
  }
}

/** What the certifier's silence at the deadline means, told to the certifier. */
function silenceForCertifier(rule: SilenceRule): string {
  return rule === 'admissible'
    ? 'Sans décision de votre part à cette date, la demande sera réputée recevable (le silence vaut acceptation, article L. 6412-2 du Code du travail).'
    : 'Sans décision de votre part à cette date, la demande sera réputée rejetée, selon la règle applicable à cette certification (le silence vaut refus).';
}

function missingItems(ctx: EmailContext): string[] {
  return requireCodes(ctx.data, 'missingItems', MISSING_ITEM_CODES, { nonEmpty: true }).map(
    (code) => MISSING_ITEM_LABELS[code],
  );
}

interface Decision {
  admissible: boolean;
  implicit: boolean;
  reasons: string[];
}

function decision(ctx: EmailContext): Decision {
  return {
    admissible: requireBoolean(ctx.data, 'admissible'),
    implicit: requireBoolean(ctx.data, 'implicit'),
    reasons: requireCodes(ctx.data, 'reasons', INADMISSIBILITY_REASON_CODES).map(
      (code) => INADMISSIBILITY_REASON_LABELS[code],
    ),
  };
}

/** The decision in one sentence, for the candidate (`you`) or an operator. */
function decisionSentence(ctx: EmailContext, d: Decision, you: boolean): string {
  const request = you
    ? `votre demande de VAE pour la certification ${certificationLabel(ctx)}`
    : 'la demande de recevabilité';
  if (d.implicit) {
    const late = 'Le certificateur ne s’est pas prononcé dans le délai prévu.';
    return d.admissible
      ? `${late} Conformément à la règle applicable (le silence vaut acceptation), ${request} est réputée recevable.`
      : `${late} Pour cette certification, le silence vaut refus : ${request} est donc réputée non recevable.`;
  }
  return d.admissible
    ? `${you ? 'Bonne nouvelle : le' : 'Le'} certificateur a déclaré ${request} recevable.`
    : `Le certificateur a déclaré ${request} non recevable.`;
}

/** Admissibility: request, incomplete file, lapse, decision (explicit or by silence). */
export const ADMISSIBILITY_TEMPLATES = {
  'candidate.admissibility_requested': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const rule = optionalOneOf(ctx.data, 'silenceRule', SILENCE_RULES);
    return candidateEmail(ctx, 'Votre demande de recevabilité a été transmise', {
      paragraphs: [
        `Votre demande de recevabilité pour la certification ${certificationLabel(ctx)} a été transmise au certificateur.`,
        `Le certificateur doit se prononcer au plus tard le ${dateFr(dueAt)}. ${silenceForCandidate(rule)}`,
        'S’il manque une pièce à votre dossier, nous vous l’indiquerons par e-mail : le délai de décision est alors suspendu jusqu’à ce que votre dossier soit complet.',
      ],
      closing: ['Vous n’avez rien à faire pour le moment.', candidateReference(ctx)],
    });
  },

  'certifier.admissibility_requested': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const rule = requireOneOf(ctx.data, 'silenceRule', SILENCE_RULES);
    return operatorEmail(`Demande de recevabilité à examiner avant le ${dateFr(dueAt)}`, greeting(ctx), {
      paragraphs: [
        'Une nouvelle demande de recevabilité vous a été transmise.',
        candidacySummary(ctx),
        ctx.blocks.length === 1 ? 'Bloc de compétences visé :' : 'Blocs de compétences visés :',
      ],
      items: blocksLabel(ctx),
      closing: [
        `Merci de vous prononcer au plus tard le ${dateFr(dueAt)} : recevable, non recevable (motifs à l’appui) ou dossier incomplet (pièces manquantes à préciser).`,
        silenceForCertifier(rule),
        'Si le dossier est incomplet, signalez-le dans Parcours VAE : le délai de décision est suspendu jusqu’à réception des pièces manquantes.',
      ],
    });
  },

  'certifier.admissibility_warning': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const rule = requireOneOf(ctx.data, 'silenceRule', SILENCE_RULES);
    return operatorEmail(
      `Rappel : décision de recevabilité attendue avant le ${dateFr(dueAt)}`,
      greeting(ctx),
      {
        paragraphs: [
          `La date limite pour vous prononcer sur la demande de recevabilité ci-dessous approche : le ${dateFr(dueAt)}.`,
          candidacySummary(ctx),
          silenceForCertifier(rule),
        ],
        closing: [
          'Merci d’enregistrer votre décision dans Parcours VAE avant cette date : recevable, non recevable (motifs à l’appui) ou dossier incomplet.',
        ],
      },
    );
  },

  'candidate.file_incomplete': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const items = missingItems(ctx);
    return candidateEmail(ctx, `Dossier incomplet : pièces à fournir avant le ${dateFr(dueAt)}`, {
      paragraphs: [
        `Le certificateur a examiné votre demande de recevabilité pour la certification ${certificationLabel(ctx)} : il lui manque des pièces pour pouvoir l’étudier.`,
        items.length === 1 ? 'Pièce à fournir :' : 'Pièces à fournir :',
      ],
      items,
      closing: [
        `Merci de transmettre ${items.length === 1 ? 'cette pièce' : 'ces pièces'} à votre conseiller au plus tard le ${dateFr(dueAt)}. Il peut vous aider à les réunir.`,
        'En attendant, le délai dont dispose le certificateur pour se prononcer est suspendu : il reprendra dès que votre dossier sera complet.',
        'Sans ces pièces à cette date, votre demande deviendra caduque et il faudra en déposer une nouvelle.',
        candidateReference(ctx),
      ],
    });
  },

  'advisor.file_incomplete': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const items = missingItems(ctx);
    return operatorEmail(`Dossier incomplet : pièces à obtenir avant le ${dateFr(dueAt)}`, greeting(ctx), {
      paragraphs: [
        'Le certificateur a déclaré incomplet le dossier de recevabilité de la candidature ci-dessous.',
        candidacySummary(ctx),
        items.length === 1 ? 'Pièce manquante :' : 'Pièces manquantes :',
      ],
      items,
      closing: [
        `Le candidat a été informé par e-mail. Merci de l’aider à réunir ${
          items.length === 1 ? 'cette pièce et de la transmettre' : 'ces pièces et de les transmettre'
        } au certificateur au plus tard le ${dateFr(dueAt)}.`,
        'Le délai de décision du certificateur est suspendu jusqu’à ce que le dossier soit complet. Sans les pièces à cette date, la demande deviendra caduque.',
      ],
    });
  },

  'candidate.file_incomplete_reminder': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const items = missingItems(ctx);
    return candidateEmail(ctx, `Rappel : pièces à fournir avant le ${dateFr(dueAt)}`, {
      paragraphs: [
        `Votre dossier de recevabilité pour la certification ${certificationLabel(ctx)} est toujours incomplet. Il manque encore :`,
      ],
      items,
      closing: [
        `Merci de transmettre ${items.length === 1 ? 'cette pièce' : 'ces pièces'} à votre conseiller au plus tard le ${dateFr(dueAt)}. Passé cette date, votre demande deviendra caduque et il faudra en déposer une nouvelle.`,
        items.length === 1
          ? 'Si vous avez déjà envoyé cette pièce, vérifiez auprès de votre conseiller qu’elle a bien été reçue.'
          : 'Si vous avez déjà envoyé ces pièces, vérifiez auprès de votre conseiller qu’elles ont bien été reçues.',
        candidateReference(ctx),
      ],
    });
  },

  'advisor.file_incomplete_reminder': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const items = missingItems(ctx);
    return operatorEmail(`Rappel : dossier incomplet, échéance le ${dateFr(dueAt)}`, greeting(ctx), {
      paragraphs: [
        'Le dossier de recevabilité de la candidature ci-dessous est toujours incomplet.',
        candidacySummary(ctx),
        items.length === 1 ? 'Pièce encore manquante :' : 'Pièces encore manquantes :',
      ],
      items,
      closing: [
        `Le candidat a reçu un rappel. Sans ${items.length === 1 ? 'cette pièce' : 'ces pièces'} le ${dateFr(dueAt)} au plus tard, la demande deviendra caduque. Merci de faire le point avec lui et de transmettre ${items.length === 1 ? 'la pièce' : 'les pièces'} au certificateur dès réception.`,
      ],
    });
  },

  'candidate.request_lapsed': (ctx) =>
    candidateEmail(ctx, 'Votre demande de recevabilité est caduque', {
      paragraphs: [
        `Les pièces manquantes à votre dossier de recevabilité pour la certification ${certificationLabel(ctx)} n’ont pas été reçues dans le délai prévu : votre demande est désormais caduque et le certificateur ne l’examinera pas.`,
        'Cela ne met pas fin à votre projet : vous pouvez déposer une nouvelle demande, complète. Contactez votre conseiller pour la préparer.',
      ],
      closing: [candidateReference(ctx)],
    }),

  'advisor.request_lapsed': (ctx) =>
    operatorEmail('Demande de recevabilité caduque', greeting(ctx), {
      paragraphs: [
        'Les pièces manquantes n’ont pas été transmises dans le délai : la demande de recevabilité de la candidature ci-dessous est caduque.',
        candidacySummary(ctx),
      ],
      closing: [
        'Le candidat en a été informé. S’il souhaite poursuivre, une nouvelle demande complète devra être déposée : nous vous invitons à reprendre contact avec lui.',
      ],
    }),

  'certifier.file_completed': (ctx) => {
    const dueAt = requireDate(ctx.data, 'dueAt');
    const rule = optionalOneOf(ctx.data, 'silenceRule', SILENCE_RULES);
    return operatorEmail(`Dossier complété : décision attendue avant le ${dateFr(dueAt)}`, greeting(ctx), {
      paragraphs: [
        'Les pièces manquantes ont été transmises : le dossier de recevabilité de la candidature ci-dessous est désormais complet.',
        candidacySummary(ctx),
      ],
      closing: [
        `Le délai de décision reprend : merci de vous prononcer au plus tard le ${dateFr(dueAt)}.`,
        ...(rule ? [silenceForCertifier(rule)] : []),
      ],
    });
  },

  'candidate.admissibility_decision': (ctx) => {
    const d = decision(ctx);
    if (d.admissible) {
      return candidateEmail(ctx, 'Votre demande de VAE est recevable', {
        paragraphs: [
          decisionSentence(ctx, d, true),
          ctx.blocks.length === 1 ? 'Bloc de compétences concerné :' : 'Blocs de compétences concernés :',
        ],
        items: blocksLabel(ctx),
        closing: [
          'Prochaine étape : la rédaction de votre dossier de validation, avec l’aide d’un organisme accompagnateur. Nous vous indiquerons très prochainement lequel vous accompagnera.',
          candidateReference(ctx),
        ],
      });
    }
    const withReasons = !d.implicit && d.reasons.length > 0;
    return candidateEmail(ctx, 'Votre demande de VAE n’est pas recevable', {
      paragraphs: [
        decisionSentence(ctx, d, true),
        ...(withReasons
          ? [d.reasons.length === 1 ? 'Motif indiqué :' : 'Motifs indiqués :']
          : d.implicit
            ? []
            : ['Le certificateur n’a pas précisé de motif ; votre conseiller peut vous en dire plus.']),
      ],
      items: withReasons ? d.reasons : [],
      closing: [
        'Ce n’est pas forcément la fin de votre projet : votre conseiller peut examiner avec vous les suites possibles (autre certification, autres blocs de compétences, nouvelle demande plus tard). Prenez contact avec votre conseiller.',
        candidateReference(ctx),
      ],
    });
  },

  'advisor.admissibility_decision': (ctx) => {
    const d = decision(ctx);
    const withReasons = !d.admissible && !d.implicit && d.reasons.length > 0;
    return operatorEmail(
      `Recevabilité : demande ${d.admissible ? 'recevable' : 'non recevable'}${d.implicit ? ' (décision implicite)' : ''}`,
      greeting(ctx),
      {
        paragraphs: [
          candidacySummary(ctx),
          decisionSentence(ctx, d, false),
          ...(withReasons ? [d.reasons.length === 1 ? 'Motif indiqué :' : 'Motifs indiqués :'] : []),
        ],
        items: withReasons ? d.reasons : [],
        closing: [
          d.admissible
            ? 'Le candidat a été informé. Prochaine étape : l’accompagnement pour la rédaction du dossier de validation ; l’organisme accompagnateur va être désigné.'
            : 'Le candidat a été informé et invité à vous contacter. Merci d’examiner avec lui les suites possibles : autre certification, autres blocs de compétences ou nouvelle demande.',
        ],
      },
    );
  },

  'certifier.implicit_decision': (ctx) => {
    const admissible = requireBoolean(ctx.data, 'admissible');
    return operatorEmail(
      `Décision implicite : demande réputée ${admissible ? 'recevable' : 'non recevable'}`,
      greeting(ctx),
      {
        paragraphs: [
          'Le délai pour vous prononcer sur la demande de recevabilité ci-dessous a expiré sans décision de votre part.',
          candidacySummary(ctx),
          admissible
            ? 'Conformément à la règle applicable (le silence vaut acceptation), la demande est réputée recevable. Le parcours du candidat se poursuit avec l’accompagnement, puis le dépôt du dossier de validation.'
            : 'Conformément à la règle applicable à cette certification (le silence vaut refus), la demande est réputée non recevable.',
        ],
        closing: ['Le candidat et son conseiller en ont été informés.'],
      },
    );
  },
} satisfies Record<string, Template>;
