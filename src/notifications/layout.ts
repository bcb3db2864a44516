import { greeting, type EmailContext } from './context.js';

/** Escapes text for HTML: every value from the database goes through it. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface EmailBody {
  /** Paragraphs of plain text; rendered as <p> in HTML and blank-line separated in text. */
  paragraphs: string[];
  /** Optional list (blocks, missing documents...). */
  items?: string[];
  /** Paragraphs after the list. */
  closing?: string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = 'L’équipe Parcours VAE';

/** Who reads the e-mail: the footer says why they receive it and where to act or ask. */
export type Audience = 'candidate' | 'operator';

const FOOTERS: Record<Audience, string> = {
  candidate:
    'Ce message est envoyé automatiquement dans le cadre de votre parcours de validation des acquis de l’expérience (VAE). Merci de ne pas y répondre directement : contactez votre conseiller.',
  // Certifiers, advisors, coaches, project leads, any operator: they act in the tools, not by reply.
  operator:
    'Ce message est envoyé automatiquement par la plateforme Parcours VAE au sujet d’une candidature que vous suivez. Pour agir sur cette candidature, utilisez la console ou l’API Parcours VAE. Merci de ne pas répondre à ce message : cette adresse n’est pas lue.',
};

/** The closing paragraph of every candidate e-mail: their status page, by its signed link. */
export const STATUS_LINK_LABEL = 'Suivre votre parcours :';
export const STATUS_LINK_NOTE = 'Ce lien est personnel : ne le transmettez pas.';

/**
 * An e-mail to the candidate (templates `candidate.*`): greets them by name and ends with the link
 * to their status page when the context carries one.
 */
export function candidateEmail(ctx: EmailContext, subject: string, body: EmailBody): RenderedEmail {
  return layout('candidate', subject, greeting(ctx), body, ctx.statusLink);
}

/** An e-mail to an operator or a person of one (certifier, advisor, coach, lead, operator templates). */
export function operatorEmail(subject: string, greeting: string, body: EmailBody): RenderedEmail {
  return layout('operator', subject, greeting, body);
}

function layout(
  audience: Audience,
  subject: string,
  greeting: string,
  body: EmailBody,
  statusLink?: string,
): RenderedEmail {
  const footer = FOOTERS[audience];
  const textParts = [greeting, ...body.paragraphs];
  if (body.items?.length) textParts.push(body.items.map((i) => `- ${i}`).join('\n'));
  textParts.push(...(body.closing ?? []));
  if (statusLink) textParts.push(`${STATUS_LINK_LABEL} ${statusLink}\n${STATUS_LINK_NOTE}`);
  textParts.push(`${SIGNATURE}\n\n--\n${footer}`);
  const text = textParts.join('\n\n') + '\n';

  const list = body.items?.length
    ? `<ul>${body.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
    : '';
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; color: #1e1e1e; max-width: 640px; margin: auto;">
<p>${escapeHtml(greeting)}</p>
${body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${list}
${(body.closing ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${statusLink ? `<p>${escapeHtml(STATUS_LINK_LABEL)} <a href="${escapeHtml(statusLink)}">${escapeHtml(statusLink)}</a><br>${escapeHtml(STATUS_LINK_NOTE)}</p>` : ''}
<p>${escapeHtml(SIGNATURE)}</p>
<hr><p style="font-size: 12px; color: #666;">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject, text, html };
}
