import { candidateEmail } from '../layout.js';
import {
  blocksLabel,
  candidateReference,
  certificationLabel,
  requireBoolean,
  type Template,
} from '../context.js';

/** Enrolment and the information/advice step. */
export const INTAKE_TEMPLATES = {
  'candidate.welcome': (ctx) =>
    candidateEmail(ctx, `Bienvenue dans votre parcours VAE — ${ctx.certification.title}`, {
      paragraphs: [
        `Votre candidature à la validation des acquis de l’expérience (VAE) pour la certification « ${ctx.certification.title} » (${ctx.certification.rncpCode}) est enregistrée.`,
        ctx.blocks.length === 1
          ? 'Vous visez le bloc de compétences suivant :'
          : `Vous visez les ${ctx.blocks.length} blocs de compétences suivants :`,
      ],
      items: blocksLabel(ctx),
      closing: [
        'Prochaine étape : un conseiller en information et conseil va vous contacter pour vérifier avec vous la recevabilité de votre projet et préparer votre demande.',
        `Référence de votre candidature : ${ctx.candidacyId}`,
      ],
    }),

  'candidate.informed': (ctx) => {
    const reinforced = requireBoolean(ctx.data, 'reinforced');
    return candidateEmail(ctx, 'Votre projet de VAE est défini', {
      paragraphs: [
        'Votre entretien d’information et de conseil est enregistré.',
        `Avec votre conseiller, vous avez retenu la certification ${certificationLabel(ctx)} et ${
          ctx.blocks.length === 1 ? 'le bloc de compétences suivant' : 'les blocs de compétences suivants'
        } :`,
      ],
      items: blocksLabel(ctx),
      closing: [
        reinforced
          ? 'Vous bénéficierez d’un accompagnement renforcé : un suivi plus rapproché et des rendez-vous plus fréquents pendant la rédaction de votre dossier de validation.'
          : 'Vous bénéficierez d’un accompagnement standard pendant la rédaction de votre dossier de validation.',
        'Prochaine étape : votre conseiller prépare avec vous la demande de recevabilité (dossier de faisabilité), qui sera ensuite transmise au certificateur. Vous recevrez un e-mail dès son envoi.',
        candidateReference(ctx),
      ],
    });
  },
} satisfies Record<string, Template>;
