import { randomBytes } from 'node:crypto';
import type { OutgoingMail } from '../../activities/mailer.js';
import { formatDayTimeFr } from '../../domain/paris-time.js';
import { escapeHtml } from '../../notifications/layout.js';

export const LOGIN_EMAIL_SUBJECT = 'Votre lien de connexion à Parcours VAE';

const FOOTER =
  'Ce message est envoyé automatiquement par la plateforme Parcours VAE à la suite d’une demande de connexion faite avec votre adresse. Merci de ne pas y répondre : cette adresse n’est pas lue.';

/** The e-mail that carries a login link (French, text and HTML). */
export function loginEmail(opts: {
  from: string;
  to: string;
  name: string;
  link: string;
  expiresAt: Date;
}): OutgoingMail {
  const until = formatDayTimeFr(opts.expiresAt);
  const paragraphs = [
    `Bonjour ${opts.name},`,
    'Pour vous connecter à la console Parcours VAE, ouvrez le lien ci-dessous, puis cliquez sur « Se connecter » :',
  ];
  const after = [
    `Ce lien est valable 15 minutes, jusqu’au ${until} (heure de Paris), et ne sert qu’une fois. Il est personnel : ne le transmettez pas.`,
    'Si vous n’avez pas demandé à vous connecter, ignorez ce message : sans ce lien, personne ne peut ouvrir de session à votre nom.',
    'L’équipe Parcours VAE',
  ];
  const text = [...paragraphs, opts.link, ...after, `--\n${FOOTER}`].join('\n\n') + '\n';
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(LOGIN_EMAIL_SUBJECT)}</title></head>
<body style="font-family: Arial, sans-serif; color: #1e1e1e; max-width: 640px; margin: auto;">
${paragraphs.map(p).join('\n')}
<p><a href="${escapeHtml(opts.link)}">${escapeHtml(opts.link)}</a></p>
${after.map(p).join('\n')}
<hr><p style="font-size: 12px; color: #666;">${escapeHtml(FOOTER)}</p>
</body></html>`;
  return {
    messageId: `<login-${randomBytes(12).toString('hex')}@parcours-vae>`,
    from: opts.from,
    to: opts.to,
    subject: LOGIN_EMAIL_SUBJECT,
    text,
    html,
    headers: { 'X-Parcours-Vae-Template': 'web.login_link', 'X-Parcours-Vae-Recipient': 'user' },
  };
}
