import type { Request, Response } from 'express';
import { REFUSAL_STATUS } from '../../api/errors.js';
import { experimentSettingsSchema } from '../../api/reference/experiment.js';
import { requestErrors } from '../../api/validation.js';
import { changeExperiment, type ExperimentSettings } from '../../app/experiment/change-experiment.js';
import {
  experimentView,
  FACTOR_LABELS,
  shareLabel,
  type ExperimentVersionView,
  type ExperimentView,
} from '../../app/experiment/experiment-view.js';
import { Refusal } from '../../app/refusal.js';
import { EXPERIMENT_ARMS } from '../../domain/arm.js';
import { DEFAULT_BLOCK_SIZES, MAX_BLOCK_SIZE, STRATUM_FACTORS } from '../../domain/experiment/index.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { badge, dateTime, queryValue, sendError, sendPage, table } from './components.js';
import { fieldMessages, formValuesOf, type FormValues } from './forms/schema-form.js';
import { ARM_LABELS } from './labels.js';
import { administeredProjectPage } from './shared.js';

/**
 * `GET /projets/:id/experience`: the project's experiment — the allocation of new candidacies to
 * the test and control arms — as the API's `GET /api/projects/:id/experiment` answers it (the same
 * view, src/app/experiment/experiment-view.ts): the current version in French, every version (who,
 * when) and the candidacies each arm holds by stratum. Counts and configuration only, as the API:
 * never the seed, the sequence, a position or the next arm. `POST`: a new version, the body the
 * API's PUT takes (`experimentSettingsSchema`, its checks and French messages), recorded by the
 * same use case for the candidacies created from then on — each candidacy keeps its arm. The form
 * carries the version it was shown with: a version recorded meanwhile is a 409, nothing changed.
 * Project leads of the project and administrators (reading and changing follow the same rule).
 */

const WHAT = 'l’expérimentation d’un projet';
const ID = 'experience';

/** The form's fields, by the body's key (an error of `body.<key>…` shows beside it). */
const FIELDS = ['mode', 'testShare', 'blockSizes', 'arm', 'stratumFactors'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field | '_form', string[]>>;

const FIELD_LABELS: Record<Field, string> = {
  mode: 'Mode',
  testShare: 'Part du groupe test',
  blockSizes: 'Tailles de bloc',
  arm: 'Groupe de toutes les nouvelles candidatures',
  stratumFactors: 'Facteurs de stratification',
};

const MODE_LABELS = {
  randomised: 'Répartition aléatoire par blocs permutés',
  off: 'Expérimentation arrêtée',
} as const;

const ORIGIN_LABELS: Record<string, string> = {
  initial: 'Version initiale, créée au premier usage',
  migration: 'Reprise de la part que fixait la politique',
  change: 'Modification',
};

const loadProject = (deps: WebDeps, res: Response, id: string) =>
  administeredProjectPage(deps.db, res, id, WHAT);

export async function experimentPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const project = await loadProject(deps, res, String(req.params.id));
  if (!project) return;
  const view = await experimentView(deps.db, project);
  const saved = Number(queryValue(req.query.version));
  const unchanged = queryValue(req.query.ok) === 'unchanged';
  render(res, view, {
    status: 200,
    ...(view.versions.some((v) => v.version === saved) ? { savedVersion: saved } : {}),
    unchanged,
  });
}

export async function changeExperimentFromForm(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const project = await loadProject(deps, res, String(req.params.id));
  if (!project) return;
  const view = await experimentView(deps.db, project);
  const values = formValuesOf(req.body);
  const { body, errors } = settingsFromForm(values, lastRandomised(view));
  if (Object.keys(errors).length) return render(res, view, { status: 400, values, errors });
  const checked = requestErrors(experimentSettingsSchema, body, 'body');
  if (checked.errors.length || !checked.data) {
    return render(res, view, { status: 400, values, errors: byField(checked.errors) });
  }
  const seen = Number(values.version?.[0]);
  let change;
  try {
    ({ change } = await changeExperiment(
      deps.db,
      project.id,
      webUserOf(res).user,
      checked.data as ExperimentSettings,
      Number.isInteger(seen) && seen > 0 ? { expectedVersion: seen } : {},
    ));
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const status = REFUSAL_STATUS[err.kind];
    if (status === 403 || status === 404) {
      return sendError(res, status, status === 403 ? 'Accès refusé' : 'Page introuvable', err.message);
    }
    const fieldErrors =
      err.kind === 'invalid'
        ? byField((err.details.errors as { path: string; message: string }[] | undefined) ?? [])
        : {};
    if (!Object.keys(fieldErrors).length) fieldErrors._form = [err.message];
    // A conflict: the version recorded meanwhile is shown, the values typed kept.
    const now = err.kind === 'conflict' ? await experimentView(deps.db, project) : view;
    return render(res, now, { status, values, errors: fieldErrors });
  }
  res.redirect(
    303,
    change
      ? `/projets/${project.id}/experience?version=${change.version}`
      : `/projets/${project.id}/experience?ok=unchanged`,
  );
}

/** What the API takes when a randomised version leaves out its share or block sizes. */
function lastRandomised(view: ExperimentView): { testShare: number; blockSizes: readonly number[] } {
  const last = view.versions.find((v) => v.mode === 'randomised');
  return {
    testShare: last?.testShare ?? 0.5,
    blockSizes: last?.blockSizes ?? DEFAULT_BLOCK_SIZES,
  };
}

/** A share as the form shows it: a percentage, French decimals (« 33,33 »). */
const percentValue = (share: number) =>
  (share * 100).toLocaleString('fr-FR', { maximumFractionDigits: 2, useGrouping: false });

/**
 * A percentage typed (« 50 », « 33,33 », « 25 % ») or a fraction (« 1/3 ») as a share; a percentage
 * is the fraction it rounds (a third is shown, and typed back, as 33,33 %: a block size up to
 * MAX_BLOCK_SIZE can honour only such fractions), else itself — the domain says why it is refused.
 */
export function shareFromForm(raw: string): number | null {
  const text = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/%$/, '');
  const fraction = /^(\d+)\/(\d+)$/.exec(text);
  if (fraction) {
    const [p, q] = [Number(fraction[1]), Number(fraction[2])];
    return q > 0 && p <= q ? p / q : null;
  }
  if (!/^\d+(?:[.,]\d+)?$/.test(text)) return null;
  const percent = Number(text.replace(',', '.'));
  if (!(percent >= 0 && percent <= 100)) return null;
  for (let q = 1; q <= MAX_BLOCK_SIZE; q++) {
    const p = Math.round((percent / 100) * q);
    if (Math.abs((p / q) * 100 - percent) < 0.005 + 1e-9) return p / q;
  }
  return percent / 100;
}

/** « 2, 4 », « 3 6 », « 2 ou 4 » as block sizes; null if a part is not a whole number. */
export function blockSizesFromForm(raw: string): number[] | null {
  const parts = raw
    .trim()
    .split(/\s*(?:[,;]|\s|\bet\b|\bou\b)\s*/)
    .filter(Boolean);
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.map(Number);
}

const sameShare = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const sameSizes = (a: readonly number[], b: readonly number[]) =>
  [...a].sort((x, y) => x - y).join() === [...b].sort((x, y) => x - y).join();

/**
 * The form's fields as the PUT body. In randomised mode, a share or block sizes left as the form
 * showed them (the last randomised version's, which the API takes when absent) are left out, so a
 * refusal points to the field changed; switched off, the share and block sizes are not read.
 */
function settingsFromForm(
  values: FormValues,
  previous: { testShare: number; blockSizes: readonly number[] },
): { body: Record<string, unknown>; errors: Errors } {
  const errors: Errors = {};
  const first = (name: string) => values[name]?.[0]?.trim() ?? '';
  const body: Record<string, unknown> = {};
  const mode = first('mode');
  if (mode !== '') body.mode = mode;
  body.stratumFactors = (values.stratumFactors ?? []).filter(Boolean);
  if (mode === 'off') {
    const arm = first('arm');
    if (arm !== '') body.arm = arm;
  } else if (mode === 'randomised') {
    const rawShare = first('testShare');
    const share = rawShare === '' ? null : shareFromForm(rawShare);
    if (share === null) {
      errors.testShare = [
        'Saisissez la part du groupe test en pourcentage, de 0 à 100 (par exemple 50 ou 33,33), ou en fraction (1/3).',
      ];
    } else if (!sameShare(share, previous.testShare)) body.testShare = share;
    const sizes = blockSizesFromForm(first('blockSizes'));
    if (sizes === null) {
      errors.blockSizes = [
        `Saisissez des nombres entiers de 1 à ${MAX_BLOCK_SIZE}, séparés par des virgules (par exemple 2, 4).`,
      ];
    } else if (!sameSizes(sizes, previous.blockSizes)) body.blockSizes = sizes;
  }
  return { body, errors };
}

/** Errors of the body (`body.<field>…`) by field; the others on the form. */
function byField(errors: { path: string; message: string }[]): Errors {
  const out: Errors = {};
  for (const e of errors) {
    const key = /^body\.([A-Za-z]+)/.exec(e.path)?.[1];
    const field = FIELDS.find((f) => f === key);
    (out[field ?? '_form'] ??= []).push(e.message);
  }
  return out;
}

function factorsLabel(factors: readonly string[]): string {
  return factors.length
    ? factors.map((f) => FACTOR_LABELS[f as keyof typeof FACTOR_LABELS] ?? f).join(' × ')
    : 'aucun : une seule strate pour toutes les candidatures';
}

/** The factors in a word each, for the history's table. */
const SHORT_FACTOR_LABELS: Record<string, string> = { public: 'public', scope: 'périmètre' };
const shortFactorsLabel = (factors: readonly string[]) =>
  factors.length ? factors.map((f) => SHORT_FACTOR_LABELS[f] ?? f).join(' × ') : 'aucun';

function authorLabel(v: ExperimentVersionView): string {
  if (v.createdBy) return v.createdBy.name || 'un utilisateur';
  return v.origin === 'change' ? 'un utilisateur supprimé' : 'le système (aucune personne)';
}

const configurationOf = (v: ExperimentVersionView): string =>
  v.mode === 'off'
    ? `Arrêtée : toutes au ${ARM_LABELS[v.arm ?? 'control'].toLowerCase()}`
    : `Aléatoire : ${v.testShareLabel ?? '—'} au groupe test, blocs de ${(v.blockSizes ?? []).join(' ou ')}`;

function currentSection(view: ExperimentView): Html {
  const c = view.current;
  const rows: (string | Html)[][] = [
    ['Mode', MODE_LABELS[c.mode]],
    ...(c.mode === 'randomised'
      ? [
          ['Part du groupe test', c.testShareLabel ?? (c.testShare === null ? '—' : shareLabel(c.testShare))],
          [
            'Tailles de bloc',
            `${(c.blockSizes ?? []).join(' ou ')} (tirées au hasard à chaque bloc, chaque bloc respectant exactement la part)`,
          ],
        ]
      : [['Groupe de toutes les nouvelles candidatures', ARM_LABELS[c.arm ?? 'control']]]),
    ['Facteurs de stratification', factorsLabel(c.stratumFactors)],
    ['Version', String(c.version)],
    ['Origine', ORIGIN_LABELS[c.origin] ?? c.origin],
    ['Enregistrée par', authorLabel(c)],
    ['Enregistrée le', dateTime(c.createdAt)],
    ...(c.note ? [['Note', c.note]] : []),
  ];
  return html`<section class="fr-mb-5w" aria-labelledby="experience-courante">
    <h2 id="experience-courante">Version en cours : version ${c.version}</h2>
    <p>${c.description}</p>
    ${table({
      caption: `Configuration de la version ${c.version}`,
      head: ['Paramètre', 'Valeur'],
      rowHeaders: true,
      rows,
    })}
  </section>`;
}

function countsSection(view: ExperimentView): Html {
  const { totals, outsideAllocation: outside } = view;
  return html`<section class="fr-mb-5w" aria-labelledby="experience-effectifs">
    <h2 id="experience-effectifs">Candidatures réparties</h2>
    <p>
      Des effectifs seulement : ni la séquence, ni les positions, ni le groupe de la prochaine candidature ne
      sont montrés. Les strates sont celles de la version en cours.
    </p>
    ${table({
      caption: 'Candidatures réparties par strate et par groupe',
      head: ['Strate', 'Groupe test', 'Groupe témoin', 'Total', 'Retirées avant le démarrage'],
      rowHeaders: true,
      rows: [
        ...view.strata.map((s) => [s.label, s.counts.test, s.counts.control, s.total, s.voided]),
        [html`<strong>Ensemble</strong>`, totals.test, totals.control, totals.total, totals.voided],
      ],
    })}
    <p class="fr-text--sm">
      « Retirées avant le démarrage » : des positions données à une candidature dont le parcours n’a pas pu
      démarrer ; elles restent prises.
    </p>
    ${table({
      caption: 'Candidatures hors répartition',
      head: ['Candidatures', 'Groupe test', 'Groupe témoin'],
      rowHeaders: true,
      rows: [
        [
          'Créées avant la répartition (groupe tiré de leur identifiant)',
          outside.beforeRandomisation.test,
          outside.beforeRandomisation.control,
        ],
        [
          'Parcours complémentaires (groupe de la candidature prolongée)',
          outside.followUps.test,
          outside.followUps.control,
        ],
      ],
    })}
  </section>`;
}

function historySection(view: ExperimentView): Html {
  return html`<section class="fr-mb-5w" aria-labelledby="experience-historique">
    <h2 id="experience-historique">Historique des versions</h2>
    ${table({
      caption: 'Versions de la répartition, la plus récente d’abord',
      head: ['Version', 'Configuration', 'Facteurs', 'Origine', 'Enregistrée'],
      className: 'fr-table--multiline',
      rowHeaders: true,
      rows: view.versions.map((v) => [
        v.current ? html`${v.version} ${badge('en cours', 'fr-badge--info')}` : String(v.version),
        configurationOf(v),
        shortFactorsLabel(v.stratumFactors),
        ORIGIN_LABELS[v.origin] ?? v.origin,
        `${authorLabel(v)}, le ${dateTime(v.createdAt)}`,
      ]),
    })}
  </section>`;
}

interface State {
  status: number;
  values?: FormValues;
  errors?: Errors;
  savedVersion?: number;
  unchanged?: boolean;
}

function formSection(view: ExperimentView, csrf: string, state: State): Html {
  const errors = state.errors ?? {};
  const c = view.current;
  const previous = lastRandomised(view);
  // The values the form was sent with, or the current version's (a share and block sizes: the
  // last randomised version's, those the API would take).
  const values: FormValues = state.values ?? {
    mode: [c.mode],
    testShare: [percentValue(previous.testShare)],
    blockSizes: [previous.blockSizes.join(', ')],
    arm: [c.arm ?? 'control'],
    stratumFactors: [...c.stratumFactors],
  };
  const value = (name: Field) => values[name]?.[0] ?? '';
  const idOf = (field: Field) => `${ID}-${field}`;
  const has = (field: Field) => (errors[field]?.length ?? 0) > 0;
  const messages = (field: Field) => fieldMessages(idOf(field), errors[field] ?? []);
  const fieldErrors = FIELDS.flatMap((f) => (errors[f] ?? []).map((m) => [f, m] as const));

  const radio = (field: Field, i: number, v: string, label: string, hint?: string) =>
    html`<div class="fr-fieldset__element">
      <div class="fr-radio-group">
        <input
          type="radio"
          id="${idOf(field)}-${i}"
          name="${field}"
          value="${v}"
          ${value(field) === v ? html`checked` : null}
        />
        <label class="fr-label" for="${idOf(field)}-${i}"
          >${label} ${hint ? html`<span class="fr-hint-text">${hint}</span>` : null}</label
        >
      </div>
    </div>`;

  const textInput = (field: 'testShare' | 'blockSizes', hint: string, inputmode: string) =>
    html`<div class="fr-fieldset__element">
      <div class="fr-input-group${has(field) ? ' fr-input-group--error' : ''}">
        <label class="fr-label" for="${idOf(field)}"
          >${FIELD_LABELS[field]} <span class="fr-hint-text">${hint}</span></label
        >
        <input
          class="fr-input${has(field) ? ' fr-input--error' : ''}"
          type="text"
          inputmode="${inputmode}"
          spellcheck="false"
          id="${idOf(field)}"
          name="${field}"
          value="${value(field)}"
          aria-describedby="${idOf(field)}-messages"
        />
        ${messages(field)}
      </div>
    </div>`;

  const fieldset = (field: Field, legend: string, hint: string | null, body: Html[]) =>
    html`<fieldset
      class="fr-fieldset${has(field) ? ' fr-fieldset--error' : ''}"
      id="${idOf(field)}"
      aria-labelledby="${idOf(field)}-legend ${idOf(field)}-messages"
    >
      <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="${idOf(field)}-legend">
        ${legend} ${hint ? html`<span class="fr-hint-text">${hint}</span>` : null}
      </legend>
      ${body} ${messages(field)}
    </fieldset>`;

  /** A group of fields, each with its own messages. */
  const group = (id: string, legend: string, hint: string, body: Html[]) =>
    html`<fieldset class="fr-fieldset" id="${id}" aria-labelledby="${id}-legend">
      <legend class="fr-fieldset__legend" id="${id}-legend">
        ${legend} <span class="fr-hint-text">${hint}</span>
      </legend>
      ${body}
    </fieldset>`;

  const picked = new Set(values.stratumFactors ?? []);

  return html`<section class="fr-mb-5w" aria-labelledby="experience-changer">
    <h2 id="experience-changer">Changer la répartition</h2>
    <p>
      Chaque changement enregistre une nouvelle version, qui s’applique aux candidatures créées à partir de
      son enregistrement : les candidatures existantes gardent leur groupe, rien n’est réparti à nouveau.
    </p>
    ${
      errors._form || fieldErrors.length
        ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
            <p class="fr-alert__title">Aucune version enregistrée</p>
            ${errors._form?.map((m) => html`<p>${m}</p>`)}
            ${
              fieldErrors.length
                ? html`<p>
                      Corrigez ${fieldErrors.length === 1 ? 'le champ signalé' : 'les champs signalés'} :
                    </p>
                    <ul>
                      ${fieldErrors.map(
                        ([f, m]) => html`<li><a href="#${idOf(f)}">${FIELD_LABELS[f]}</a> : ${m}</li>`,
                      )}
                    </ul>`
                : null
            }
          </div>`
        : null
    }
    <form method="post" action="/projets/${view.projectId}/experience" id="${ID}" class="vae-form">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <input type="hidden" name="version" value="${c.version}" />
      ${fieldset('mode', 'Mode', null, [
        radio(
          'mode',
          0,
          'randomised',
          'Répartition aléatoire',
          'Chaque nouvelle candidature est répartie entre groupe test et groupe témoin, par blocs permutés dans sa strate.',
        ),
        radio(
          'mode',
          1,
          'off',
          'Expérimentation arrêtée',
          'Chaque nouvelle candidature va dans un seul groupe, choisi ci-dessous.',
        ),
      ])}
      ${group(
        `${ID}-aleatoire`,
        'En répartition aléatoire',
        'Pris en compte seulement si vous choisissez la répartition aléatoire.',
        [
          textInput(
            'testShare',
            'En pourcentage, de 0 à 100 : par exemple 50, ou 33,33 pour un tiers (une fraction comme 1/3 est aussi acceptée). Chaque taille de bloc doit pouvoir respecter exactement cette part.',
            'decimal',
          ),
          textInput(
            'blockSizes',
            `Des entiers de 1 à ${MAX_BLOCK_SIZE}, séparés par des virgules : par exemple 2, 4. À chaque bloc, une taille est tirée au hasard, pour que le groupe suivant ne puisse se deviner.`,
            'numeric',
          ),
        ],
      )}
      ${fieldset(
        'arm',
        FIELD_LABELS.arm,
        'Pris en compte seulement si vous arrêtez l’expérimentation.',
        EXPERIMENT_ARMS.slice()
          .reverse()
          .map((a, i) => radio('arm', i, a, ARM_LABELS[a])),
      )}
      ${fieldset(
        'stratumFactors',
        FIELD_LABELS.stratumFactors,
        'La répartition est équilibrée dans chaque strate. Aucun facteur coché : une seule strate pour toutes les candidatures.',
        STRATUM_FACTORS.map(
          (f, i) =>
            html`<div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input
                  type="checkbox"
                  id="${idOf('stratumFactors')}-${i}"
                  name="stratumFactors"
                  value="${f}"
                  ${picked.has(f) ? html`checked` : null}
                />
                <label class="fr-label" for="${idOf('stratumFactors')}-${i}"
                  >${FACTOR_LABELS[f].charAt(0).toUpperCase()}${FACTOR_LABELS[f].slice(1)}</label
                >
              </div>
            </div>`,
        ),
      )}
      <button class="fr-btn" type="submit">Enregistrer une nouvelle version</button>
    </form>
  </section>`;
}

function render(res: Response, view: ExperimentView, state: State): void {
  const { csrf } = webUserOf(res);
  const title = `Expérimentation — ${view.projectName}`;
  const flash =
    state.savedVersion !== undefined
      ? {
          kind: 'success' as const,
          text: `Nouvelle version ${state.savedVersion} enregistrée : elle s’applique aux candidatures créées à partir de maintenant ; les candidatures existantes gardent leur groupe.`,
        }
      : state.unchanged
        ? {
            kind: 'info' as const,
            text: `Rien n’a changé : la version ${view.current.version} reste en vigueur, aucune version n’a été enregistrée.`,
          }
        : null;
  sendPage(res, state.status, {
    title: state.status >= 400 ? `Erreur : ${title}` : title,
    current: '/projets',
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Projets', href: '/projets' },
      { label: view.projectName, href: `/projets/${view.projectId}` },
      { label: 'Expérimentation' },
    ],
    flash,
    main: html`<h1>${title}</h1>
      <p>${view.notice}</p>
      ${currentSection(view)} ${formSection(view, csrf, state)} ${countsSection(view)} ${historySection(view)}`,
  });
}
