import { layout, type RenderedEmail } from './layout.js';
import { blocksLabel, type EmailContext } from './context.js';

/**
 * One template per event and recipient. The key is what the workflow names; the activity
 * loads the context and renders. French, HTML + text.
 */
type Template = (ctx: EmailContext) => RenderedEmail;

const hello = (ctx: EmailContext) => `Bonjour ${ctx.recipientName},`;

export const TEMPLATES = {
  'candidate.welcome': (ctx) =>
    layout(`Bienvenue dans votre parcours VAE — ${ctx.certification.title}`, hello(ctx), {
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
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}
