import { z } from 'zod';
import { uuid } from './text.js';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Code stable, lisible par une machine.' }),
    detail: z.string().meta({ description: 'Phrase en français pour un humain.' }),
    errors: z
      .array(z.object({ path: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .meta({
        description:
          'Pour une requête invalide : chaque champ en erreur. Un texte qui contient un caractère de contrôle ' +
          '(U+0000–U+001F, U+007F–U+009F ; la tabulation et les sauts de ligne ne sont admis que dans un texte ' +
          'sur plusieurs lignes) a le code `control_character` ; un Unicode mal formé (demi-paire de substitution ' +
          'isolée, U+FFFD d’octets qui n’étaient pas de l’UTF-8) le code `malformed_unicode`.',
      }),
  })
  .meta({ id: 'Problem' });

export const uuidParam = z.object({
  id: uuid().meta({ description: 'Identifiant (UUID).' }),
});

/** The string builders every request schema uses (see ./text.ts). */
export { code, email, isoDateTime, plainString, text, uuid } from './text.js';
