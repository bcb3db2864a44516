import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { REFUSAL_STATUS } from '../../api/errors.js';
import { createCandidacySchema } from '../../api/candidacies/schemas.js';
import { idempotencyKeySchema } from '../../api/idempotency-key.js';
import { createCandidacy, type NewCandidacy } from '../../app/candidacies/create-candidacy.js';
import { Refusal } from '../../app/refusal.js';
import { listCertifications } from '../../app/reference/list-certifications.js';
import { CREATION_OPERATOR_ROLES, CREATION_ROLES } from '../../domain/access.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html } from '../html.js';
import { alert, sendError, sendPage } from './components.js';
import {
  blockChoices,
  certificationChoices,
  JOB_SITUATION_CHOICES,
  QUALIFICATION_CHOICES,
} from './forms/action-ui.js';
import {
  type FormErrors,
  type FormUi,
  type FormValues,
  formValuesOf,
  NO_ERRORS,
  refusalErrors,
  renderSchemaForm,
  validateSchemaForm,
} from './forms/schema-form.js';

/** The projects where the user's operator may create candidacies (outreach or advice role). */
async function creationProjects(deps: WebDeps, operatorId: string) {
  return deps.db
    .selectFrom('project_operators as po')
    .innerJoin('projects as p', 'p.id', 'po.project_id')
    .select(['p.id', 'p.name'])
    .distinct()
    .where('po.operator_id', '=', operatorId)
    .where('po.role', 'in', [...CREATION_OPERATOR_ROLES])
    .orderBy('p.name')
    .execute();
}

async function creationUi(deps: WebDeps, projects: { id: string; name: string }[]): Promise<FormUi> {
  const codes = projects.length
    ? await deps.db
        .selectFrom('project_certifications')
        .select('rncp_code')
        .distinct()
        .where(
          'project_id',
          'in',
          projects.map((p) => p.id),
        )
        .execute()
    : [];
  const certifications = await listCertifications(
    deps.db,
    codes.map((c) => c.rncp_code),
  );
  return {
    projectId: { label: 'Projet', choices: projects.map((p) => ({ value: p.id, label: p.name })) },
    candidate: { label: 'Le candidat' },
    'candidate.firstName': { label: 'Prénom' },
    'candidate.lastName': { label: 'Nom' },
    'candidate.email': { label: 'Adresse électronique' },
    'candidate.phone': { label: 'Téléphone', hint: 'Par exemple 06 12 34 56 78.' },
    'candidate.birthYear': { label: 'Année de naissance' },
    'candidate.qualificationLevel': { label: 'Niveau de qualification', choices: QUALIFICATION_CHOICES },
    'candidate.jobSituation': {
      label: 'Situation d’emploi',
      hint: 'Un emploi menacé ouvre droit à l’accompagnement renforcé.',
      choices: JOB_SITUATION_CHOICES,
    },
    'candidate.employer': {
      label: 'Employeur',
      hint: 'Pour écarter du jury les membres liés à cet employeur.',
    },
    rncpCode: { label: 'Certification visée', choices: certificationChoices({ certifications }) },
    targetBlocks: {
      label: 'Blocs de compétences visés',
      hint: 'Un, plusieurs ou tous les blocs de la certification choisie.',
      choices: blockChoices({ certifications }),
    },
  };
}

function renderForm(
  res: Response,
  status: number,
  o: { ui: FormUi; values: FormValues; errors: FormErrors; key: string; refusal?: string },
) {
  const { csrf } = webUserOf(res);
  sendPage(res, status, {
    title: status >= 400 ? 'Erreur : nouvelle candidature' : 'Nouvelle candidature',
    current: '/candidatures/nouvelle',
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Candidatures', href: '/candidatures' },
      { label: 'Nouvelle candidature' },
    ],
    main: html`<h1>Nouvelle candidature</h1>
      <p>
        Le candidat est enregistré, puis son parcours démarre : il reçoit un e-mail de bienvenue et la
        candidature apparaît dans votre boîte de réception.
      </p>
      ${o.refusal ? alert('error', o.refusal, 'La candidature n’a pas été créée') : null}
      ${renderSchemaForm({
        schema: createCandidacySchema,
        ui: o.ui,
        id: 'creation',
        action: '/candidatures/nouvelle',
        csrf,
        submitLabel: 'Créer la candidature',
        values: o.values,
        errors: o.errors,
        hidden: { _key: o.key },
      })}`,
  });
}

function refuseRole(res: Response) {
  sendError(
    res,
    403,
    'Création réservée',
    'Seuls les conseillers et les chargés de repérage créent des candidatures.',
    { label: 'Retour aux candidatures', href: '/candidatures' },
  );
}

/** `GET /candidatures/nouvelle`: the creation form (the API's schema), with the user's projects. */
export async function newCandidacyPage(deps: WebDeps, _req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  if (!CREATION_ROLES.includes(user.role)) return refuseRole(res);
  const projects = await creationProjects(deps, user.operatorId);
  if (projects.length === 0) {
    return sendError(
      res,
      403,
      'Aucun projet',
      'Votre organisme n’assure ni le repérage ni le conseil dans un projet : il ne peut pas créer de candidature.',
    );
  }
  const values: FormValues = projects.length === 1 ? { projectId: [projects[0]!.id] } : {};
  renderForm(res, 200, {
    ui: await creationUi(deps, projects),
    values,
    errors: NO_ERRORS,
    key: randomUUID(),
  });
}

/**
 * `POST /candidatures/nouvelle`: validated by the API's schema, created by the API's use case (with
 * the form's idempotency key, so a form sent twice creates one candidacy), then 303 to its page.
 */
export async function createCandidacyFromForm(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  if (!CREATION_ROLES.includes(user.role)) return refuseRole(res);
  const projects = await creationProjects(deps, user.operatorId);
  const ui = await creationUi(deps, projects);
  const values = formValuesOf(req.body);
  const rawKey = values._key?.[0];
  const key = idempotencyKeySchema.safeParse(rawKey).success ? rawKey! : randomUUID();
  const checked = validateSchemaForm(createCandidacySchema, ui, values);
  if (checked.errors) return renderForm(res, 400, { ui, values, errors: checked.errors, key });
  const body = checked.data as NewCandidacy;
  if (!projects.some((p) => p.id === body.projectId)) {
    return renderForm(res, 400, {
      ui,
      values,
      key,
      errors: {
        fields: { projectId: ['Votre organisme n’assure ni le repérage ni le conseil dans ce projet.'] },
        form: [],
      },
    });
  }
  try {
    const created = await createCandidacy(
      {
        db: deps.db,
        temporal: deps.temporal,
        taskQueue: deps.taskQueue,
        ...(deps.rpcTimeoutMs ? { rpcTimeoutMs: deps.rpcTimeoutMs } : {}),
        ...(deps.maxHistoryEvents ? { maxHistoryEvents: deps.maxHistoryEvents } : {}),
      },
      { id: user.id, operatorId: user.operatorId },
      body,
      `web:${key}`,
    );
    res.redirect(303, `/candidatures/${created.candidacyId}?ok=creation`);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    if (err.kind === 'invalid') {
      return renderForm(res, 400, { ui, values, errors: refusalErrors(createCandidacySchema, ui, err), key });
    }
    const status = REFUSAL_STATUS[err.kind];
    if (err.code === 'idempotency_key_reused') {
      // This form already created a candidacy (sent again after changes): a fresh key for a new one.
      return renderForm(res, 409, {
        ui,
        values,
        errors: NO_ERRORS,
        key: randomUUID(),
        refusal:
          'Ce formulaire a déjà servi à créer une candidature. Vérifiez la liste des candidatures ; pour en créer une autre, envoyez le formulaire à nouveau.',
      });
    }
    renderForm(res, status, { ui, values, errors: NO_ERRORS, key, refusal: err.message });
  }
}
