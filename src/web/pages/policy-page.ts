import type { Request, Response } from 'express';
import { REFUSAL_STATUS } from '../../api/errors.js';
import { policyPatchSchema } from '../../api/reference/policy-schemas.js';
import { requestErrors } from '../../api/validation.js';
import { savePolicySettings } from '../../app/reference/change-policy.js';
import {
  applyPolicyPatch,
  POLICY_KEYS,
  POLICY_PARAMETERS,
  policyView,
  type PolicyKey,
  type PolicyPatch,
} from '../../app/reference/policy-view.js';
import { Refusal } from '../../app/refusal.js';
import type { PolicyDuration } from '../../domain/duration.js';
import type { ProjectPolicySettings } from '../../domain/policy.js';
import { QUALIFICATION_LEVELS } from '../../domain/profile.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { alert, sendPage } from './components.js';
import { fieldMessages, formValuesOf, type FormValues } from './forms/schema-form.js';
import { qualificationLevelLabel } from './labels.js';
import { administeredProjectPage } from './shared.js';

/**
 * `GET /projets/:id/politique`: the project's policy as a form — for each parameter its legal
 * default, the project's value and a field to change it or go back to the default; `POST`: the
 * change the API's PATCH takes (`policyPatchSchema`, the same checks and French messages), saved
 * and recorded by the same use case, for new candidacies only. Project leads of the project and
 * administrators. The per-arm values stay in the API (`arms`) and are shown on the project's page.
 */

const UNITS: { value: keyof PolicyDuration; label: string }[] = [
  { value: 'months', label: 'mois' },
  { value: 'days', label: 'jours' },
  { value: 'workingDays', label: 'jours ouvrés' },
  { value: 'hours', label: 'heures' },
  { value: 'seconds', label: 'secondes' },
];

type Errors = Record<string, string[]>;

const loadProject = (deps: WebDeps, res: Response, id: string) =>
  administeredProjectPage(deps.db, res, id, 'la politique d’un projet');

export async function policyPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const project = await loadProject(deps, res, String(req.params.id));
  if (!project) return;
  render(res, project, { status: 200, saved: req.query.ok === '1' });
}

export async function changePolicyFromForm(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const project = await loadProject(deps, res, String(req.params.id));
  if (!project) return;
  const values = formValuesOf(req.body);
  const current = (project.policy ?? {}) as ProjectPolicySettings;
  const { patch, errors } = patchFromForm(values, current);
  if (Object.keys(errors).length) return render(res, project, { status: 400, values, errors });
  const checked = requestErrors(policyPatchSchema, patch, 'body');
  if (checked.errors.length) {
    return render(res, project, { status: 400, values, errors: byParameter(checked.errors) });
  }
  if (!patch.overrides || Object.keys(patch.overrides).length === 0) {
    return render(res, project, { status: 400, values, errors: { _form: ['Aucun paramètre modifié.'] } });
  }
  try {
    await savePolicySettings(deps.db, project.id, webUserOf(res).user, (before) =>
      applyPolicyPatch(before, checked.data as PolicyPatch),
    );
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const fieldErrors =
      err.kind === 'invalid'
        ? byParameter((err.details.errors as { path: string; message: string }[] | undefined) ?? [])
        : {};
    if (!Object.keys(fieldErrors).length) fieldErrors._form = [err.message];
    return render(res, project, { status: REFUSAL_STATUS[err.kind], values, errors: fieldErrors });
  }
  res.redirect(303, `/projets/${project.id}/politique?ok=1`);
}

/** The form's fields as the PATCH body: only the parameters changed, null to go back to the default. */
function patchFromForm(
  values: FormValues,
  current: ProjectPolicySettings,
): { patch: { overrides?: Record<string, unknown> }; errors: Errors } {
  const overrides: Record<string, unknown> = {};
  const errors: Errors = {};
  const first = (name: string) => values[name]?.[0]?.trim() ?? '';
  const number = (key: PolicyKey, raw: string) => {
    const n = Number(raw.replace(',', '.'));
    if (!Number.isFinite(n)) (errors[key] ??= []).push('Saisissez un nombre.');
    return n;
  };
  for (const key of POLICY_KEYS) {
    const had = current.overrides?.[key] !== undefined;
    if (first(`${key}.reset`) === 'true') {
      if (had) overrides[key] = null;
      continue;
    }
    switch (POLICY_PARAMETERS[key].kind) {
      case 'duration': {
        const amount = first(`${key}.amount`);
        if (amount === '') break;
        const unit = first(`${key}.unit`);
        if (!UNITS.some((u) => u.value === unit)) {
          (errors[key] ??= []).push('Choisissez l’unité de la durée.');
          break;
        }
        overrides[key] = { [unit]: number(key, amount) };
        break;
      }
      case 'share': {
        const raw = first(key);
        if (raw !== '') overrides[key] = number(key, raw) / 100;
        break;
      }
      case 'count': {
        const raw = first(key);
        if (raw !== '') overrides[key] = number(key, raw);
        break;
      }
      case 'boolean': {
        const raw = first(key);
        if (raw === 'true' || raw === 'false') overrides[key] = raw === 'true';
        break;
      }
      case 'levels': {
        if (first(`${key}.change`) === 'true') overrides[key] = (values[key] ?? []).filter(Boolean);
        break;
      }
    }
  }
  // A value equal to the project's is no change.
  for (const [key, value] of Object.entries(overrides)) {
    if (JSON.stringify(value) === JSON.stringify(current.overrides?.[key as PolicyKey]))
      delete overrides[key];
  }
  return { patch: Object.keys(overrides).length ? { overrides } : {}, errors };
}

/** Errors of the body (`body.overrides.<key>…`) by parameter; the others on the form. */
function byParameter(errors: { path: string; message: string }[]): Errors {
  const out: Errors = {};
  for (const e of errors) {
    const key = /^body\.overrides\.([A-Za-z]+)/.exec(e.path)?.[1];
    (out[key && (POLICY_KEYS as string[]).includes(key) ? key : '_form'] ??= []).push(e.message);
  }
  return out;
}

function render(
  res: Response,
  project: { id: string; name: string; policy: unknown },
  state: { status: number; values?: FormValues; errors?: Errors; saved?: boolean },
): void {
  const { csrf } = webUserOf(res);
  const view = policyView({
    id: project.id,
    name: project.name,
    policy: (project.policy ?? {}) as ProjectPolicySettings,
  });
  const values = state.values ?? {};
  const errors = state.errors ?? {};
  const value = (name: string, fallback = '') => values[name]?.[0] ?? fallback;

  const messages = (key: string) => fieldMessages(`politique-${key}`, errors[key] ?? []);

  const fields = (p: (typeof view.parameters)[number]): Html => {
    const key = p.key as PolicyKey;
    const id = `politique-${key}`;
    const described = `aria-describedby="${id}-messages"`;
    switch (p.kind) {
      case 'duration': {
        const unit = value(`${key}.unit`, 'days');
        return html`<div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-6 fr-input-group">
            <label class="fr-label" for="${id}-amount">Nouvelle durée</label>
            <input
              class="fr-input"
              type="number"
              min="1"
              step="1"
              inputmode="numeric"
              id="${id}-amount"
              name="${key}.amount"
              value="${value(`${key}.amount`)}"
              ${described}
            />
          </div>
          <div class="fr-col-6 fr-select-group">
            <label class="fr-label" for="${id}-unit">Unité</label>
            <select class="fr-select" id="${id}-unit" name="${key}.unit">
              ${UNITS.map((u) => html`<option value="${u.value}" ${u.value === unit ? html`selected` : null}>${u.label}</option>`)}
            </select>
          </div>
        </div>`;
      }
      case 'share':
        return html`<div class="fr-input-group">
          <label class="fr-label" for="${id}"
            >Nouvelle part, en % <span class="fr-hint-text">De 0 à 100.</span></label
          >
          <input
            class="fr-input"
            type="number"
            min="0"
            max="100"
            step="any"
            id="${id}"
            name="${key}"
            value="${value(key)}"
            ${described}
          />
        </div>`;
      case 'count':
        return html`<div class="fr-input-group">
          <label class="fr-label" for="${id}">Nouvelle valeur</label>
          <input
            class="fr-input"
            type="number"
            min="0"
            step="1"
            id="${id}"
            name="${key}"
            value="${value(key)}"
            ${described}
          />
        </div>`;
      case 'boolean':
        return html`<div class="fr-select-group">
          <label class="fr-label" for="${id}">Nouvelle valeur</label>
          <select class="fr-select" id="${id}" name="${key}" ${described}>
            <option value="" ${value(key) === '' ? html`selected` : null}>Inchangée</option>
            <option value="true" ${value(key) === 'true' ? html`selected` : null}>Oui</option>
            <option value="false" ${value(key) === 'false' ? html`selected` : null}>Non</option>
          </select>
        </div>`;
      case 'levels': {
        const picked = new Set(values[key] ?? (p.resolved.test.value as string[]));
        return html`<fieldset class="fr-fieldset" id="${id}" aria-labelledby="${id}-legend">
          <legend class="fr-fieldset__legend fr-text--regular" id="${id}-legend">Nouveaux niveaux</legend>
          <div class="fr-fieldset__element">
            <div class="fr-checkbox-group">
              <input
                type="checkbox"
                id="${id}-change"
                name="${key}.change"
                value="true"
                ${value(`${key}.change`) === 'true' ? html`checked` : null}
              />
              <label class="fr-label" for="${id}-change">Remplacer par les niveaux cochés ci-dessous</label>
            </div>
          </div>
          ${QUALIFICATION_LEVELS.map(
            (l, i) =>
              html`<div class="fr-fieldset__element">
                <div class="fr-checkbox-group">
                  <input
                    type="checkbox"
                    id="${id}-${i}"
                    name="${key}"
                    value="${l}"
                    ${picked.has(l) ? html`checked` : null}
                  />
                  <label class="fr-label" for="${id}-${i}">${qualificationLevelLabel(l)}</label>
                </div>
              </div>`,
          )}
        </fieldset>`;
      }
    }
  };

  const row = (p: (typeof view.parameters)[number]): Html => {
    const key = p.key;
    return html`<fieldset
      class="fr-fieldset fr-mb-3w ${errors[key] ? 'fr-fieldset--error' : ''}"
      aria-labelledby="politique-${key}-legend"
    >
      <legend class="fr-fieldset__legend" id="politique-${key}-legend">
        ${p.label.charAt(0).toUpperCase()}${p.label.slice(1)}
        <span class="fr-hint-text">
          Valeur légale : ${p.default?.label ?? '—'} · Valeur du projet :
          ${p.override?.label ?? 'la valeur légale'} · Source : ${p.source}
        </span>
      </legend>
      <div class="fr-fieldset__element">${fields(p)}</div>
      ${
        p.override
          ? html`<div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input
                  type="checkbox"
                  id="politique-${key}-reset"
                  name="${key}.reset"
                  value="true"
                  ${value(`${key}.reset`) === 'true' ? html`checked` : null}
                />
                <label class="fr-label" for="politique-${key}-reset">Revenir à la valeur légale</label>
              </div>
            </div>`
          : null
      }
      ${messages(key)}
    </fieldset>`;
  };

  const title = `Politique — ${project.name}`;
  sendPage(res, state.status, {
    title,
    current: '/projets',
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Projets', href: '/projets' },
      { label: project.name, href: `/projets/${project.id}` },
      { label: 'Politique' },
    ],
    flash: state.saved
      ? { kind: 'success', text: 'Politique enregistrée : elle s’applique aux nouvelles candidatures.' }
      : null,
    main: html`<h1>${title}</h1>
      <p>${view.notice} Laissez vide un paramètre que vous ne changez pas.</p>
      ${errors._form ? alert('error', errors._form.join(' '), 'Politique non enregistrée') : null}
      ${
        Object.keys(errors).some((k) => k !== '_form')
          ? alert(
              'error',
              'Corrigez les paramètres signalés ci-dessous : rien n’a été enregistré.',
              'Politique non enregistrée',
            )
          : null
      }
      <form method="post" action="/projets/${project.id}/politique" class="vae-form">
        <input type="hidden" name="_csrf" value="${csrf}" />
        ${view.parameters.map(row)}
        <button class="fr-btn" type="submit">Enregistrer la politique</button>
      </form>`,
  });
}
