import { z } from 'zod';
import { BREAKDOWNS } from '../../app/indicators/breakdowns.js';
import { uuid } from '../schemas/text.js';

/** The query strings and answers of /api/indicators, its export and its dictionary (OpenAPI). */

const day = z.iso.date().meta({ description: 'Jour (heure de Paris), AAAA-MM-JJ.', example: '2027-01-31' });

const separator = z.enum(['comma', 'semicolon']).default('comma').meta({
  description:
    'CSV seulement : `comma` (RFC 4180, point décimal) ou `semicolon` (« ; » et virgule décimale, pour les tableurs en français).',
});

const cohort = {
  projectId: uuid().meta({ description: 'Le projet.' }),
  from: day.optional().meta({ description: 'Candidatures repérées à partir de ce jour (inclus).' }),
  to: day.optional().meta({ description: 'Candidatures repérées jusqu’à ce jour (inclus).' }),
};

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }) =>
  !q.from || !q.to || q.from <= q.to;
const FROM_AFTER_TO = {
  message: 'La date de début (from) doit précéder ou égaler la date de fin (to).',
  path: ['to'],
};

export const indicatorsQuerySchema = z
  .strictObject({
    ...cohort,
    breakdown: z.enum(BREAKDOWNS).optional().meta({
      description:
        'Ventilation : `arm` (groupe test ou témoin), `operator` (organisme de conseil), `public` (renforcé ou non), `scope` (un bloc, plusieurs, la certification), `period` (mois de repérage).',
    }),
    format: z.enum(['json', 'csv']).default('json'),
    separator,
  })
  .refine(fromBeforeTo, FROM_AFTER_TO);

export const exportQuerySchema = z.strictObject({ ...cohort, separator }).refine(fromBeforeTo, FROM_AFTER_TO);

export const dictionaryQuerySchema = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  separator,
});

const count = z
  .object({
    n: z.number().int().nullable(),
    masked: z.boolean(),
    reason: z.enum(['small', 'secondary']).optional().meta({
      description:
        'Pourquoi il est masqué : small (1 à 4 personnes), secondary (pour qu’un petit effectif ne se retrouve pas par différence).',
    }),
  })
  .meta({
    id: 'MaskedCount',
    description: 'Un effectif de personnes ; null et masked: true s’il est masqué.',
  });
const value = z
  .object({ value: z.number().nullable(), masked: z.boolean() })
  .meta({ id: 'MaskedValue', description: 'Une valeur calculée sur des effectifs, masquée avec eux.' });
const interval = z
  .object({
    value: z.number().nullable(),
    lower: z.number().nullable(),
    upper: z.number().nullable(),
    masked: z.boolean(),
  })
  .meta({ id: 'MaskedInterval', description: 'Une estimation et son intervalle de confiance à 95 %.' });
const quantile = z
  .object({
    days: z.number().nullable(),
    lower: z.number().nullable(),
    upper: z.number().nullable(),
    masked: z.boolean(),
  })
  .meta({
    id: 'SurvivalQuantile',
    description: 'Quantile de Kaplan–Meier en jours, IC 95 % ; null si la courbe ne l’atteint pas.',
  });

const exits = z.object({ withdrawn: count, abandoned: count, lapsed: count, closed: count, open: count });

const duration = z
  .object({
    key: z.string(),
    label: z.string(),
    observations: count,
    events: count,
    censored: count,
    median: quantile,
    p90: quantile,
    curve: z
      .array(
        z.object({
          time: z.number(),
          survival: z.number(),
          lower: z.number(),
          upper: z.number(),
          atRisk: z.number().int(),
        }),
      )
      .meta({
        description:
          'Courbe de Kaplan–Meier : (0, 1), puis au plus un point par jour (la part encore dans la phase après le dernier passage du jour), tant que 5 candidatures au moins restent à risque.',
      }),
  })
  .meta({ id: 'DurationIndicator' });

const perCandidacy = z.object({ total: z.number(), perCandidacy: value });

const indicatorSet = z
  .object({
    candidacies: count,
    funnel: z.object({
      steps: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          reached: count,
          shareOfIdentified: value,
          conversion: interval.nullable(),
          exits,
        }),
      ),
      admissible: z.object({ explicit: count, implicit: count }),
      dropOuts: count,
      dropOutShare: value,
    }),
    durations: z.array(duration),
    waiting: z.object({
      candidateDays: z.number(),
      operatorDays: z.number(),
      candidateShare: value,
      candidateDaysPerCandidacy: value,
      operatorDaysPerCandidacy: value,
      byPhase: z.array(
        z.object({
          phase: z.string(),
          label: z.string(),
          candidateDays: z.number(),
          operatorDays: z.number(),
        }),
      ),
    }),
    activity: z.object({
      reminders: z.object({
        candidate: perCandidacy,
        operators: perCandidacy,
        byType: z.array(
          z.object({
            key: z.string(),
            event: z.string(),
            to: z.enum(['candidate', 'operators']),
            label: z.string(),
            total: z.number(),
          }),
        ),
      }),
      implicitDecisions: z.object({ decisions: count, implicit: count, share: value }),
      handoffs: z.object({
        phase: perCandidacy,
        transfersRequested: count,
        transfersAccepted: count,
        transfersEscalated: count,
      }),
      deadlines: z.object({ overdue: count, juryDeadlineMissed: count }),
    }),
    jury: z.object({
      sessionsHeld: z.number().int(),
      remoteSessions: z.number().int(),
      remoteShare: value,
      membersMobilised: count,
      candidatesExamined: count,
      validatedBlocks: z.number().int(),
      costEuros: z.number(),
      costPerSessionEuros: value,
      costPerCandidateEuros: value,
      costPerValidatedBlockEuros: value,
    }),
  })
  .meta({ id: 'IndicatorSet' });

const armProportion = interval.extend({ successes: count, total: count });

export const indicatorsSchema = z
  .object({
    project: z.object({ id: z.uuid(), name: z.string() }),
    asOf: z.string().meta({ description: 'Les candidatures en cours sont censurées à cet instant.' }),
    filters: z.object({
      from: z.string().nullable(),
      to: z.string().nullable(),
      breakdown: z.enum(BREAKDOWNS).nullable(),
    }),
    confidentiality: z.object({
      threshold: z.number().int(),
      maskedCells: z.number().int(),
      rule: z.string(),
    }),
    overall: indicatorSet,
    breakdown: z
      .object({
        dimension: z.enum(BREAKDOWNS),
        label: z.string(),
        groups: z.array(z.object({ key: z.string(), label: z.string(), indicators: indicatorSet })),
      })
      .nullable(),
    comparison: z.object({
      test: z.object({ candidacies: count }),
      control: z.object({ candidacies: count }),
      proportions: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          test: armProportion,
          control: armProportion,
          difference: interval,
        }),
      ),
      durations: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          test: duration,
          control: duration,
          logRank: z.object({
            chiSquare: z.number().nullable(),
            pValue: z.number().nullable(),
            observedTest: count,
            observedControl: count,
            expectedTest: z.number().nullable(),
            expectedControl: z.number().nullable(),
            masked: z.boolean(),
          }),
        }),
      ),
    }),
  })
  .meta({ id: 'Indicators' });

export const dictionarySchema = z
  .object({
    export: z.object({
      description: z.string(),
      columns: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          description: z.string(),
          unit: z.string().nullable(),
          values: z.array(z.object({ value: z.string(), label: z.string() })).nullable(),
        }),
      ),
    }),
    indicators: z.object({
      description: z.string(),
      columns: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
    }),
  })
  .meta({ id: 'DataDictionary' });
