import type { Template } from './context.js';
import { ADMISSIBILITY_TEMPLATES } from './templates/admissibility.js';
import { COACHING_TEMPLATES } from './templates/coaching.js';
import { INTAKE_TEMPLATES } from './templates/intake.js';
import { JURY_TEMPLATES } from './templates/jury.js';
import { OVERLAY_TEMPLATES } from './templates/overlays.js';

export type { Template } from './context.js';

/**
 * One template per event and recipient, named `<recipient>.<event>`. The key is what the
 * workflow names; the activity loads the context and renders. French, HTML + text. A
 * template throws a TemplateDataError when a required `data` field is missing or malformed.
 */
export const TEMPLATE_GROUPS = {
  intake: INTAKE_TEMPLATES,
  admissibility: ADMISSIBILITY_TEMPLATES,
  coaching: COACHING_TEMPLATES,
  jury: JURY_TEMPLATES,
  overlays: OVERLAY_TEMPLATES,
} as const;

export const TEMPLATES = {
  ...INTAKE_TEMPLATES,
  ...ADMISSIBILITY_TEMPLATES,
  ...COACHING_TEMPLATES,
  ...JURY_TEMPLATES,
  ...OVERLAY_TEMPLATES,
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}
