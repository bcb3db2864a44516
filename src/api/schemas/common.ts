import { z } from 'zod';

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
      .meta({ description: 'Pour une requête invalide : chaque champ en erreur.' }),
  })
  .meta({ id: 'Problem' });

export const uuidParam = z.object({
  id: z.uuid().meta({ description: 'Identifiant (UUID).' }),
});
