import { z } from 'zod';
import type { JuryMemberPatch, NewJuryMember } from '../../app/jury/members/member.js';
import { BLOCK_CODE, RNCP_CODE, rncpCodeSchema } from '../reference/certifications.js';
import { frenchBody } from '../reference/french-validation.js';
import { code, email, text, uuid } from '../schemas/text.js';

/**
 * The HTTP schemas of a jury pool's members (`/api/jury/members`): each field refused is named in
 * French (src/api/reference/french-validation.ts). Formats and ranges are checked here; that the
 * certifications, blocks, operators and users named exist is the use cases' check
 * (src/app/jury/members/check-references.ts).
 */

/** Metropolitan départements 01–95 (Corsica as 2A and 2B, no 20), overseas 971–976. */
export const DEPARTEMENT = /^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$/;
const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const YYYY_MM_DD = /^\d{4}-\d{2}-\d{2}$/;
/** 10,000 € in cents: a fee or a travel cost beyond is a typing error. */
const MAX_CENTS = 1_000_000;

/** A date that exists on the calendar (2027-02-30 does not). */
function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const blockCodeSchema = code(
  BLOCK_CODE,
  'doit être un code de bloc : le code RNCP suivi de « BC » et de 2 chiffres, par exemple RNCP35830BC01',
);

const qualificationSchema = z
  .strictObject({
    rncpCode: rncpCodeSchema,
    blockCodes: z
      .union([z.literal('all'), z.array(blockCodeSchema).min(1).max(30)], {
        error:
          'doit être "all" (tous les blocs) ou une liste de codes de bloc, par exemple ["RNCP35830BC01"]',
      })
      .meta({ description: 'Les blocs que le membre évalue : "all" (tous) ou une liste.' }),
  })
  .superRefine((q, ctx) => {
    if (!Array.isArray(q.blockCodes) || typeof q.rncpCode !== 'string' || !RNCP_CODE.test(q.rncpCode)) return;
    const seen = new Set<string>();
    q.blockCodes.forEach((b, j) => {
      if (typeof b !== 'string' || !BLOCK_CODE.test(b)) return;
      if (!b.startsWith(`${q.rncpCode}BC`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['blockCodes', j],
          message: `doit être un bloc de ${q.rncpCode} (commencer par ${q.rncpCode}BC)`,
          params: { reason: 'block_not_of_certification' },
        });
      } else if (seen.has(b)) {
        ctx.addIssue({
          code: 'custom',
          path: ['blockCodes', j],
          message: `cite deux fois le bloc ${b}`,
          params: { reason: 'duplicate_block' },
        });
      }
      seen.add(b);
    });
  })
  .meta({ id: 'JuryQualification', example: { rncpCode: 'RNCP35830', blockCodes: ['RNCP35830BC01'] } });

const qualificationsSchema = z
  .array(qualificationSchema)
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((q, i) => {
      if (typeof q?.rncpCode !== 'string') return;
      if (seen.has(q.rncpCode)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'rncpCode'],
          message: `cite deux fois la certification ${q.rncpCode} : une qualification par certification`,
          params: { reason: 'duplicate_certification' },
        });
      }
      seen.add(q.rncpCode);
    });
  })
  .meta({ description: 'Les certifications (et leurs blocs) que le membre évalue : au moins une.' });

const timeSchema = code(HH_MM, 'doit être une heure HH:MM (heure de Paris), par exemple 09:30');

const weeklyWindowSchema = z
  .strictObject({
    weekday: z
      .literal([1, 2, 3, 4, 5, 6, 7])
      .meta({ description: 'Jour de la semaine : 1 = lundi … 7 = dimanche.' }),
    from: timeSchema,
    to: timeSchema,
  })
  .superRefine((w, ctx) => {
    if (typeof w.from !== 'string' || typeof w.to !== 'string') return;
    if (!HH_MM.test(w.from) || !HH_MM.test(w.to)) return;
    if (w.from >= w.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `doit être après le début du créneau (${w.from}) : un créneau va de « from » à « to » le même jour`,
        params: { reason: 'window_not_ordered' },
      });
    }
  })
  .meta({
    id: 'WeeklyWindow',
    description: 'Un créneau hebdomadaire de disponibilité, à l’heure de Paris.',
    example: { weekday: 2, from: '09:00', to: '17:00' },
  });

const dateSchema = code(YYYY_MM_DD, 'doit être une date AAAA-MM-JJ, par exemple 2027-03-14').refine(
  isCalendarDate,
  { message: 'n’est pas une date du calendrier', params: { reason: 'invalid_date' } },
);

const weeklySchema = z.array(weeklyWindowSchema).max(50);
const unavailableDatesSchema = z.array(dateSchema).max(366);

const employersSchema = z
  .array(text({ max: 200 }))
  .max(20)
  .meta({
    description:
      'Employeurs pour qui ou avec qui le membre travaille : exclu du jury d’un candidat de cet employeur (comparaison sans casse ni accents).',
  });
const tieOperatorsSchema = z
  .array(uuid())
  .max(20)
  .meta({ description: 'Organismes liés au membre (exclu du jury des candidats qu’ils accompagnent).' });
const tieUsersSchema = z
  .array(uuid())
  .max(20)
  .meta({ description: 'Utilisateurs que le membre est (un accompagnateur ne juge pas ses candidats).' });

const centsSchema = (description: string) => z.number().int().min(0).max(MAX_CENTS).meta({ description });

const FIELD_LABELS: Record<string, string> = {
  operatorId: 'organisme propriétaire du vivier',
  displayName: 'nom du membre',
  email: 'adresse e-mail du membre',
  profile: 'profil : professionnel ou formateur',
  gender: 'genre : F ou M',
  qualifications: 'certifications évaluées',
  ties: 'liens d’intérêts',
  availability: 'disponibilités',
  remote: 'accepte les sessions à distance',
  homeDepartement: 'département de résidence',
  feeCents: 'indemnité par session, en centimes d’euro',
  travelCents: 'frais de déplacement par session sur place hors de son département, en centimes d’euro',
  yearlyCap: 'sessions par an au plus',
  rncpCode: 'certification',
  active: 'membre actif',
  limit: 'taille de la page',
  offset: 'rang du premier membre de la page',
};
const NESTED_LABELS: Record<string, string> = {
  'qualifications.rncpCode': 'certification évaluée',
  'qualifications.blockCodes': 'blocs de compétences évalués',
  'ties.employers': 'employeurs liés au membre',
  'ties.operatorIds': 'organismes liés au membre',
  'ties.userIds': 'utilisateurs qu’est le membre',
  'availability.weekly': 'créneaux hebdomadaires',
  'availability.unavailableDates': 'dates d’indisponibilité',
  'availability.weekly.weekday': 'jour de la semaine, 1 = lundi … 7 = dimanche',
  'availability.weekly.from': 'début du créneau',
  'availability.weekly.to': 'fin du créneau',
};

/** The French name of a field from its path, indexes aside (`availability.weekly.0.to`). */
function memberFieldLabel(path: readonly PropertyKey[]): string | undefined {
  const names = path.filter((p) => typeof p === 'string').map(String);
  for (let n = names.length; n >= 2; n--) {
    const label = NESTED_LABELS[names.slice(0, n).join('.')];
    if (label) return label;
  }
  return names[0] === undefined ? undefined : FIELD_LABELS[names[0]];
}

const profileSchema = z.enum(['professional', 'trainer']).meta({
  description: 'professional (professionnel du métier ; au moins un quart du jury) ou trainer (formateur).',
});
const genderSchema = z.enum(['F', 'M']).meta({ description: 'Pour l’équilibre femmes-hommes des jurys.' });
const departementSchema = code(
  DEPARTEMENT,
  'doit être un code de département : 2 chiffres de 01 à 95, 2A, 2B ou 971 à 976',
).meta({ example: '93' });
const yearlyCapSchema = z
  .number()
  .int()
  .min(1)
  .max(200)
  .meta({ description: 'Sessions par an au plus (1 à 200).' });
const FEE = 'Indemnité par session, en centimes d’euro (entier positif ou nul ; 15000 = 150 €).';
const TRAVEL =
  'Frais de déplacement d’une session sur place hors du département de résidence, en centimes d’euro (entier positif ou nul) ; une session à distance n’en coûte aucun.';

export const createMemberSchema = frenchBody(
  z
    .strictObject({
      operatorId: uuid().optional().meta({
        description:
          'L’organisme dont le vivier reçoit le membre : obligatoire pour un administrateur ; pour un organisateur de jury, le sien (par défaut).',
      }),
      displayName: text({ max: 200 }).meta({ example: 'Hélène Martin' }),
      email: email().meta({ example: 'helene.martin@exemple.fr' }),
      profile: profileSchema,
      gender: genderSchema,
      qualifications: qualificationsSchema,
      ties: z
        .strictObject({
          employers: employersSchema.default([]),
          operatorIds: tieOperatorsSchema.default([]),
          userIds: tieUsersSchema.default([]),
        })
        .default({ employers: [], operatorIds: [], userIds: [] }),
      availability: z
        .strictObject({
          weekly: weeklySchema.default([]),
          unavailableDates: unavailableDatesSchema.default([]),
        })
        .default({ weekly: [], unavailableDates: [] })
        .meta({ description: 'Sans créneau hebdomadaire, le membre n’est proposé pour aucune session.' }),
      remote: z.boolean().default(false),
      homeDepartement: departementSchema,
      feeCents: centsSchema(FEE),
      travelCents: centsSchema(TRAVEL).default(0),
      yearlyCap: yearlyCapSchema.default(12),
    })
    .meta({
      id: 'CreateJuryMember',
      example: {
        displayName: 'Hélène Martin',
        email: 'helene.martin@exemple.fr',
        profile: 'professional',
        gender: 'F',
        qualifications: [{ rncpCode: 'RNCP35830', blockCodes: 'all' }],
        ties: { employers: ['Aide à Domicile 75'], operatorIds: [], userIds: [] },
        availability: {
          weekly: [{ weekday: 2, from: '09:00', to: '17:00' }],
          unavailableDates: ['2027-05-14'],
        },
        remote: true,
        homeDepartement: '93',
        feeCents: 15000,
        travelCents: 4000,
        yearlyCap: 12,
      },
    }),
  memberFieldLabel,
);

export const memberPatchSchema = frenchBody(
  z
    .strictObject({
      displayName: text({ max: 200 }).optional(),
      email: email().optional(),
      profile: profileSchema.optional(),
      gender: genderSchema.optional(),
      qualifications: qualificationsSchema.optional(),
      ties: z
        .strictObject({
          employers: employersSchema.optional(),
          operatorIds: tieOperatorsSchema.optional(),
          userIds: tieUsersSchema.optional(),
        })
        .optional(),
      availability: z
        .strictObject({
          weekly: weeklySchema.optional(),
          unavailableDates: unavailableDatesSchema.optional(),
        })
        .optional(),
      remote: z.boolean().optional(),
      homeDepartement: departementSchema.optional(),
      feeCents: centsSchema(FEE).optional(),
      travelCents: centsSchema(TRAVEL).optional(),
      yearlyCap: yearlyCapSchema.optional(),
    })
    .meta({
      id: 'JuryMemberPatch',
      description:
        'Seuls les champs cités changent ; dans `ties` et `availability`, chaque liste citée remplace la liste enregistrée. L’organisme du vivier ne change pas ; pour retirer un membre, POST /api/jury/members/{id}/deactivate.',
      example: { availability: { unavailableDates: ['2027-05-14', '2027-05-15'] }, feeCents: 18000 },
    }),
  memberFieldLabel,
);

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const memberListQuerySchema = frenchBody(
  z.strictObject({
    operatorId: uuid()
      .optional()
      .meta({ description: 'Le vivier d’un organisme : obligatoire pour un administrateur.' }),
    rncpCode: rncpCodeSchema
      .optional()
      .meta({ description: 'Les membres qui évaluent cette certification.' }),
    active: booleanQuery.optional(),
    remote: booleanQuery.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  }),
  memberFieldLabel,
);

const windowOut = z.object({ weekday: z.number().int(), from: z.string(), to: z.string() });

export const juryMemberSchema = z
  .object({
    id: z.uuid(),
    operatorId: z.uuid(),
    displayName: z.string(),
    email: z.string(),
    profile: z.enum(['professional', 'trainer']),
    gender: z.enum(['F', 'M']),
    qualifications: z.array(
      z.object({ rncpCode: z.string(), blockCodes: z.union([z.literal('all'), z.array(z.string())]) }),
    ),
    ties: z.object({
      employers: z.array(z.string()),
      operatorIds: z.array(z.string()),
      userIds: z.array(z.string()),
    }),
    availability: z.object({ weekly: z.array(windowOut), unavailableDates: z.array(z.string()) }),
    remote: z.boolean(),
    homeDepartement: z
      .string()
      .nullable()
      .meta({ description: 'Null pour un membre enregistré avant que le vivier ait ce champ.' }),
    feeCents: z.number().int().meta({ description: FEE }),
    travelCents: z.number().int().meta({ description: TRAVEL }),
    yearlyCap: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'JuryMember' });

export const juryMemberListSchema = z
  .object({
    items: z.array(juryMemberSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'JuryMemberList' });

// A validated body is what the use case takes: a schema that drifts fails to compile.
const createFits: Omit<z.infer<typeof createMemberSchema>, 'operatorId'> extends NewJuryMember
  ? true
  : never = true;
const patchFits: z.infer<typeof memberPatchSchema> extends JuryMemberPatch ? true : never = true;
void createFits;
void patchFits;
