import { formatDurationFr, type PolicyDuration } from '../../domain/duration.js';
import {
  DEFAULT_POLICY,
  policyOverridesSchema,
  resolvePolicy,
  type Policy,
  type PolicyOverrides,
  type ProjectPolicySettings,
} from '../../domain/policy.js';
import type { FieldError } from '../refusal.js';

/**
 * A project's policy as the reference data shows and changes it: each parameter with its
 * French name and source (DOMAIN.md, "Rules as parameters"), the legal default, the project's
 * and each arm's override, and what applies, each value with a French label. Pure: the HTTP
 * schemas that check a change are in src/api/reference/policy-schemas.ts.
 */

type Kind = 'duration' | 'share' | 'count' | 'levels' | 'boolean';
export type PolicyKey = keyof Policy;

export const POLICY_PARAMETERS = {
  admissibilityDecisionDeadline: {
    kind: 'duration',
    label: 'délai de décision du certificateur sur la recevabilité',
    source: 'Code du travail, L. 6412-2',
  },
  admissibilityWarningShare: {
    kind: 'share',
    label: 'alerte au certificateur : part du délai de décision écoulée',
    source: 'choix du produit',
  },
  admissibilityWarningBefore: {
    kind: 'duration',
    label: 'alerte au certificateur : avant la fin du délai de décision',
    source: 'choix du produit',
  },
  incompleteFileCompletionDelay: {
    kind: 'duration',
    label: 'délai laissé au candidat pour compléter un dossier incomplet',
    source: 'choix du produit',
  },
  incompleteFileReminderBefore: {
    kind: 'duration',
    label: 'rappel au candidat avant la fin du délai de complétude',
    source: 'choix du produit',
  },
  coachingStartDeadline: {
    kind: 'duration',
    label: 'début de l’accompagnement après la recevabilité',
    source: 'conditions d’utilisation de France VAE',
  },
  inactivityReminderStandard: {
    kind: 'duration',
    label: 'inactivité avant relance, accompagnement standard',
    source: 'choix du produit',
  },
  inactivityReminderReinforced: {
    kind: 'duration',
    label: 'inactivité avant relance, accompagnement renforcé',
    source: 'choix du produit',
  },
  remindersBeforeAbandonment: {
    kind: 'count',
    label: 'relances sans réponse avant de déclarer l’abandon',
    source: 'conditions d’utilisation de France VAE',
  },
  abandonmentContestDelay: {
    kind: 'duration',
    label: 'délai pour contester un abandon',
    source: 'conditions d’utilisation de France VAE',
  },
  juryDeadlineAfterValidationFile: {
    kind: 'duration',
    label: 'passage devant le jury au plus tard après le dossier de validation',
    source: 'décret 2023-1275',
  },
  juryEscalationBefore: {
    kind: 'duration',
    label: 'alerte avant l’échéance du jury',
    source: 'choix du produit',
  },
  convocationLeadTime: {
    kind: 'duration',
    label: 'délai de convocation au jury',
    source: 'propre à chaque certificateur',
  },
  juryReminderBefore: {
    kind: 'duration',
    label: 'rappel au candidat avant la session de jury',
    source: 'France VAE',
  },
  resultReminderAfter: {
    kind: 'duration',
    label: 'relance du certificateur sans résultat après la session',
    source: 'France VAE',
  },
  resultNotificationDeadline: {
    kind: 'duration',
    label: 'notification du résultat après la session',
    source: 'décret 2023-1275',
  },
  transferAcceptanceDelay: {
    kind: 'duration',
    label: 'délai d’acceptation d’un transfert par l’organisme qui reçoit',
    source: 'choix du produit',
  },
  juryInvitationResponseDelay: {
    kind: 'duration',
    label: 'réponse d’un membre à une invitation à siéger, avant d’inviter un remplaçant',
    source: 'choix du produit',
  },
  yearlyRequestsPerCertification: {
    kind: 'count',
    label: 'demandes par an pour une même certification entière',
    source: 'Code du travail, R. 6412-3',
  },
  yearlyCertifications: {
    kind: 'count',
    label: 'certifications entières différentes demandées par an',
    source: 'Code du travail, R. 6412-3',
  },
  lowQualificationLevels: {
    kind: 'levels',
    label: 'niveaux de qualification qui ouvrent l’accompagnement renforcé',
    source: 'cahier des charges de l’expérimentation (arrêté du 21 novembre 2019)',
  },
  reinforcedWhenJobThreatened: {
    kind: 'boolean',
    label: 'accompagnement renforcé quand l’emploi est menacé',
    source: 'cahier des charges de l’expérimentation (arrêté du 21 novembre 2019)',
  },
} as const satisfies Record<PolicyKey, { kind: Kind; label: string; source: string }>;

export const POLICY_KEYS = Object.keys(POLICY_PARAMETERS) as PolicyKey[];

const LEVEL_FR: Record<string, string> = {
  none: 'sans qualification',
  level3: 'niveau 3 (CAP, BEP)',
  level4: 'niveau 4 (bac)',
  level5: 'niveau 5 (bac + 2)',
  level6: 'niveau 6 (licence)',
  level7: 'niveau 7 (master)',
  level8: 'niveau 8 (doctorat)',
};

/** A value of the policy in French: « 2 mois », « 75 % », « oui », « sans qualification, … ». */
export function formatPolicyValueFr(key: PolicyKey, value: unknown): string {
  switch (POLICY_PARAMETERS[key].kind) {
    case 'duration':
      return formatDurationFr(value as PolicyDuration);
    case 'share':
      return `${((value as number) * 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} %`;
    case 'count':
      return String(value);
    case 'boolean':
      return value ? 'oui' : 'non';
    case 'levels': {
      const levels = value as string[];
      return levels.length ? levels.map((l) => LEVEL_FR[l] ?? l).join(', ') : 'aucun';
    }
  }
}

// --- a change -------------------------------------------------------------------------------

/** Overrides in a change: a value sets the parameter, null removes the override. */
export type OverridesPatch = { [K in keyof PolicyOverrides]?: PolicyOverrides[K] | null };

/** A change of a project's policy: only the parameters cited change; an arm at null loses all its overrides. */
export interface PolicyPatch {
  overrides?: OverridesPatch;
  arms?: { test?: OverridesPatch | null; control?: OverridesPatch | null };
}

type Overrides = Record<string, unknown>;

function merge(base: Overrides | undefined, patch: Overrides | null | undefined): Overrides | undefined {
  if (patch === null) return undefined;
  const out: Overrides = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Normal form of the stored settings: `{ overrides, arms }`, empty arms left out. */
export function normalizeSettings(settings: ProjectPolicySettings | null | undefined): ProjectPolicySettings {
  const arms: NonNullable<ProjectPolicySettings['arms']> = {};
  if (settings?.arms?.test && Object.keys(settings.arms.test).length) arms.test = settings.arms.test;
  if (settings?.arms?.control && Object.keys(settings.arms.control).length)
    arms.control = settings.arms.control;
  return { overrides: { ...settings?.overrides }, arms };
}

/** Applies a change to stored settings (pure). */
export function applyPolicyPatch(current: ProjectPolicySettings, patch: PolicyPatch): ProjectPolicySettings {
  const base = normalizeSettings(current);
  const arms: NonNullable<ProjectPolicySettings['arms']> = {};
  for (const arm of ['test', 'control'] as const) {
    const next = merge(base.arms?.[arm], patch.arms?.[arm] as Overrides | null | undefined);
    if (next) arms[arm] = next as PolicyOverrides;
  }
  return {
    overrides: (merge(base.overrides, patch.overrides as Overrides | undefined) ?? {}) as PolicyOverrides,
    arms,
  };
}

/**
 * The final word on what may be stored: the domain's schema of src/domain/policy.ts, the one
 * the workflow's input relies on (a duration no clock can compute is refused there, whatever the
 * route). Returns the paths it refuses (none for a valid change), under `root` (`body`, or
 * `body.policy` for a new project's).
 */
export function domainRefusals(settings: ProjectPolicySettings, root = 'body') {
  const refusals: FieldError[] = [];
  const check = (prefix: string, overrides: PolicyOverrides | undefined) => {
    const r = policyOverridesSchema.safeParse(overrides ?? {});
    if (r.success) return;
    for (const iss of r.error.issues) {
      const path = [root.replace(/^body\.?/, ''), prefix, ...iss.path.map(String)].filter(Boolean).join('.');
      const label = (POLICY_PARAMETERS as Record<string, { label: string } | undefined>)[String(iss.path[0])]
        ?.label;
      refusals.push({
        path: `body.${path}`,
        code: iss.code,
        message: `Le champ ${path}${label ? ` (${label})` : ''} est refusé par les règles de la politique.`,
      });
    }
  };
  check('overrides', settings.overrides);
  check('arms.test', settings.arms?.test);
  check('arms.control', settings.arms?.control);
  return refusals;
}

/** The parameters whose override changes, for the project or an arm, between two settings. */
export function changedKeys(before: ProjectPolicySettings, after: ProjectPolicySettings): PolicyKey[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return POLICY_KEYS.filter(
    (k) =>
      !same(before.overrides?.[k], after.overrides?.[k]) ||
      !same(before.arms?.test?.[k], after.arms?.test?.[k]) ||
      !same(before.arms?.control?.[k], after.arms?.control?.[k]),
  );
}

// --- the view ------------------------------------------------------------------------------

const labelled = (key: PolicyKey, value: unknown) =>
  value === undefined ? null : { value, label: formatPolicyValueFr(key, value) };

export const APPLIES_TO_NEW_CANDIDACIES =
  'Une modification s’applique aux candidatures créées ensuite ; une candidature en cours garde la politique résolue à son démarrage.';

/** The legal defaults beside the project's values, per parameter and per arm, in French. */
export function policyView(project: { id: string; name: string; policy: ProjectPolicySettings }) {
  const settings = normalizeSettings(project.policy);
  const resolved = { test: resolvePolicy(settings, 'test'), control: resolvePolicy(settings, 'control') };
  return {
    projectId: project.id,
    projectName: project.name,
    appliesTo: 'new_candidacies' as const,
    notice: APPLIES_TO_NEW_CANDIDACIES,
    defaults: DEFAULT_POLICY,
    overrides: settings.overrides ?? {},
    perArm: { test: settings.arms?.test ?? {}, control: settings.arms?.control ?? {} },
    resolved,
    parameters: POLICY_KEYS.map((key) => {
      const fromArm = (arm: 'test' | 'control') =>
        settings.arms?.[arm]?.[key] !== undefined
          ? 'arm'
          : settings.overrides?.[key] !== undefined
            ? 'project'
            : 'default';
      return {
        key,
        label: POLICY_PARAMETERS[key].label,
        source: POLICY_PARAMETERS[key].source,
        kind: POLICY_PARAMETERS[key].kind,
        default: labelled(key, DEFAULT_POLICY[key]),
        override: labelled(key, settings.overrides?.[key]),
        perArm: {
          test: labelled(key, settings.arms?.test?.[key]),
          control: labelled(key, settings.arms?.control?.[key]),
        },
        resolved: {
          test: { ...labelled(key, resolved.test[key])!, from: fromArm('test') },
          control: { ...labelled(key, resolved.control[key])!, from: fromArm('control') },
        },
      };
    }),
  };
}
