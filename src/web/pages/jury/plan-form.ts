import { planRequestSchema } from '../../../api/jury/session-schemas.js';
import type { Html } from '../../html.js';
import { renderSchemaForm, type FormErrors, type FormUi, type FormValues } from '../forms/schema-form.js';

/** The planner's form: the API's schema of a plan request (`POST /api/jury/plans`), in French. */

export const PLAN_FORM_SLOTS = 3;

export interface PlanFormContext {
  projects: { id: string; name: string }[];
  certifications: { rncpCode: string; title: string }[];
}

export function planFormUi(ctx: PlanFormContext): FormUi {
  return {
    projectId: { label: 'Projet', choices: ctx.projects.map((p) => ({ value: p.id, label: p.name })) },
    rncpCode: {
      label: 'Certification (facultatif)',
      hint: 'Laissez vide pour planifier toutes les certifications dont des candidats attendent leur jury.',
      choices: ctx.certifications.map((c) => ({ value: c.rncpCode, label: `${c.rncpCode} — ${c.title}` })),
    },
    horizonDays: {
      label: 'Horizon de planification, en jours',
      hint: 'Les sessions sont proposées sur les demi-journées ouvrées de cette période, après le délai de convocation.',
    },
    allowRemote: { label: 'Proposer des sessions à distance (salle virtuelle)' },
    venues: {
      label: 'Lieux pour des sessions sur place (facultatif)',
      hint: 'Un lieu par ligne : son nom et son département (les frais de déplacement des membres en dépendent).',
      rows: Array.from({ length: PLAN_FORM_SLOTS }, (_, i) => ({ value: String(i), label: `Lieu ${i + 1}` })),
      blankRows: true,
    },
    'venues.id': { label: 'Nom du lieu' },
    'venues.departement': { label: 'Département', hint: 'Par exemple 69, 2A ou 974.' },
    capacity: {
      label: 'Candidats par session au plus (facultatif)',
      hint: 'Six par défaut.',
    },
  };
}

export function renderPlanForm(
  ctx: PlanFormContext,
  csrf: string,
  state: { values?: FormValues; errors?: FormErrors } = {},
): Html {
  return renderSchemaForm({
    schema: planRequestSchema,
    ui: planFormUi(ctx),
    id: 'planifier',
    action: '/jury/propositions',
    csrf,
    submitLabel: 'Proposer des sessions',
    // A single project is chosen already.
    values: state.values ?? {
      horizonDays: ['56'],
      allowRemote: ['true'],
      ...(ctx.projects.length === 1 ? { projectId: [ctx.projects[0]!.id] } : {}),
    },
    ...(state.errors ? { errors: state.errors } : {}),
  });
}
