import { z } from 'zod';
import {
  POLICY_KEYS,
  POLICY_PARAMETERS,
  type PolicyKey,
  type PolicyPatch,
} from '../../app/reference/policy-view.js';
import { policyDurationSchema, policyOverridesSchema } from '../../domain/policy.js';
import { frenchBody } from './french-validation.js';

/**
 * The HTTP schemas of a project's policy: a change (PATCH), the initial policy of a new project
 * (POST /api/projects), each field named in French when refused, and the view's response. The
 * parameters, their labels and the view itself are src/app/reference/policy-view.ts.
 */

/**
 * A positive duration: the domain's rule (src/domain/policy.ts — whole numbers of months, days,
 * working days, hours or seconds, at least one of them above zero, none beyond 10 years), the one
 * every path that stores a policy ends with, documented here.
 */
const positiveDurationSchema = policyDurationSchema.meta({
  id: 'PolicyDuration',
  description:
    'Durée : mois, jours, jours ouvrés, heures ou secondes (entiers, au moins une partie non nulle, au plus 10 ans).',
  example: { days: 15 },
});

const domainShape = policyOverridesSchema.shape;

/** The domain's schema of one parameter, made stricter for durations and lists. */
function fieldSchema(key: PolicyKey): z.ZodType {
  const kind = POLICY_PARAMETERS[key].kind;
  if (kind === 'duration') return positiveDurationSchema;
  const domain = domainShape[key].unwrap() as z.ZodType;
  if (kind === 'levels')
    return (domain as z.ZodArray<z.ZodType>).refine(
      (l) => !Array.isArray(l) || new Set(l).size === l.length,
      { message: 'cite un niveau deux fois', params: { reason: 'duplicate_level' } },
    );
  return domain;
}

type DomainShape = typeof policyOverridesSchema.shape;
type Inner<K extends PolicyKey> = ReturnType<DomainShape[K]['unwrap']>;

/**
 * Parameters that left the policy, refused with where they went rather than as unknown fields:
 * the share of the test arm is the experiment's allocation configuration, versioned
 * (PUT /api/projects/{id}/experiment, src/app/experiment/), so that it lives in one place.
 */
const RETIRED = {
  testArmShare: {
    label: 'part des candidatures affectées au groupe test',
    message:
      'ne fait plus partie de la politique : la part du groupe test se règle dans la répartition de l’expérimentation du projet (PUT /api/projects/{id}/experiment), qui en garde chaque version',
  },
} as const;

function retiredShape() {
  return Object.fromEntries(
    Object.entries(RETIRED).map(([k, r]) => [
      k,
      z
        .unknown()
        .refine(() => false, { message: r.message, params: { reason: 'parameter_moved' } })
        .optional()
        .meta({ description: `Refusé : ce paramètre ${r.message}.`, deprecated: true }),
    ]),
  );
}

/** The parameters' schemas; typed as the domain's (their values are the same types, only checked harder). */
function inputShape() {
  return {
    ...Object.fromEntries(POLICY_KEYS.map((k) => [k, fieldSchema(k).optional()])),
    ...retiredShape(),
  } as unknown as DomainShape;
}
function patchShape() {
  return {
    ...Object.fromEntries(POLICY_KEYS.map((k) => [k, fieldSchema(k).nullable().optional()])),
    ...retiredShape(),
  } as unknown as {
    [K in PolicyKey]: z.ZodOptional<z.ZodNullable<Inner<K>>>;
  };
}

/** Overrides as a project stores them: any subset of the parameters, each valid. */
export const overridesInputSchema = z.strictObject(inputShape()).meta({
  id: 'PolicyOverridesInput',
  description:
    'Surcharges des valeurs légales : tout sous-ensemble des paramètres de la politique ; un paramètre inconnu est refusé.',
});

/** Overrides in a change: a value sets the parameter, null removes the override (legal default back). */
const overridesPatchSchema = z.strictObject(patchShape()).meta({
  id: 'PolicyOverridesPatch',
  description:
    'Une valeur fixe le paramètre ; null retire la surcharge (retour à la valeur légale ou du projet).',
});

const LABELS_BY_KEY: Record<string, string> = {
  ...Object.fromEntries(POLICY_KEYS.map((k) => [k, POLICY_PARAMETERS[k].label])),
  ...Object.fromEntries(Object.entries(RETIRED).map(([k, r]) => [k, r.label])),
};

/** `overrides.admissibilityWarningShare` or `arms.test.convocationLeadTime.days` → the parameter's French name. */
export function policyFieldLabel(path: readonly PropertyKey[]): string | undefined {
  for (const part of path) {
    const label = LABELS_BY_KEY[String(part)];
    if (label) return label;
  }
  return undefined;
}

export const policyPatchSchema = frenchBody(
  z
    .strictObject({
      overrides: overridesPatchSchema.optional(),
      arms: z
        .strictObject({
          test: overridesPatchSchema.nullable().optional(),
          control: overridesPatchSchema.nullable().optional(),
        })
        .optional(),
    })
    .meta({
      id: 'ProjectPolicyPatch',
      description:
        'Modification de la politique d’un projet : seuls les paramètres cités changent. `arms.test` ou `arms.control` à null retire toutes les surcharges de ce groupe.',
      example: { overrides: { admissibilityDecisionDeadline: { days: 45 } } },
    }),
  policyFieldLabel,
);
// A validated change is what the use case applies: a schema that drifts fails to compile.
const patchFits: z.infer<typeof policyPatchSchema> extends PolicyPatch ? true : never = true;
void patchFits;

/** The initial policy of a new project, checked the same way. */
export const policySettingsInputSchema = z
  .strictObject({
    overrides: overridesInputSchema.optional(),
    arms: z
      .strictObject({ test: overridesInputSchema.optional(), control: overridesInputSchema.optional() })
      .optional(),
  })
  .meta({ id: 'ProjectPolicyInput' });

/**
 * A project's whole policy, replaced at once (PUT /api/projects/:id/policy): checked as a new
 * project's, each refused field named in French.
 */
export const policySettingsBodySchema = frenchBody(
  policySettingsInputSchema.meta({
    id: 'ProjectPolicy',
    description: 'Surcharges des valeurs légales, pour le projet puis par groupe (test, témoin).',
  }),
  policyFieldLabel,
);

const labelledValue = z.object({ value: z.unknown(), label: z.string() });
const resolvedValue = labelledValue.extend({ from: z.enum(['default', 'project', 'arm']) });

export const policyViewSchema = z
  .object({
    projectId: z.uuid(),
    projectName: z.string(),
    appliesTo: z.literal('new_candidacies'),
    notice: z.string(),
    defaults: z.record(z.string(), z.unknown()).meta({ description: 'Les valeurs légales (DOMAIN.md).' }),
    overrides: z.record(z.string(), z.unknown()).meta({ description: 'Les surcharges du projet.' }),
    perArm: z.object({
      test: z.record(z.string(), z.unknown()),
      control: z.record(z.string(), z.unknown()),
    }),
    resolved: z
      .object({ test: z.record(z.string(), z.unknown()), control: z.record(z.string(), z.unknown()) })
      .meta({ description: 'Ce que reçoit une nouvelle candidature de chaque groupe.' }),
    parameters: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        source: z.string(),
        kind: z.enum(['duration', 'share', 'count', 'levels', 'boolean']),
        default: labelledValue,
        override: labelledValue.nullable(),
        perArm: z.object({ test: labelledValue.nullable(), control: labelledValue.nullable() }),
        resolved: z.object({ test: resolvedValue, control: resolvedValue }),
      }),
    ),
  })
  .meta({ id: 'ProjectPolicyView' });
