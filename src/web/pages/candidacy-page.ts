import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { REFUSAL_STATUS } from '../../api/errors.js';
import { ACTION_BODIES, ACTION_SUMMARIES, type ActionBody } from '../../api/candidacies/action-schemas.js';
import { getCandidacy } from '../../api/candidacies/read.js';
import { callerOf, loadVisibleCandidacy, partiesOf } from '../../api/access.js';
import type { AuthenticatedUser } from '../../api/auth.js';
import { HttpError } from '../../api/problem.js';
import { idempotencyKeySchema } from '../../api/idempotency-key.js';
import { openFollowUp } from '../../app/candidacies/follow-up.js';
import { performAction } from '../../app/candidacies/perform-action.js';
import type { ActionInput } from '../../app/candidacies/prepare-action.js';
import { queryState } from '../../app/candidacies/run-action.js';
import { readCandidacyEmails, readTimeline } from '../../app/candidacies/timeline.js';
import { Refusal } from '../../app/refusal.js';
import { TEMPORAL_DEADLINES } from '../../app/temporal-deadline.js';
import { listCertifications } from '../../app/reference/list-certifications.js';
import type { CandidacyRow } from '../../db/schema.js';
import { canAct } from '../../domain/access.js';
import { formatRemainingFr } from '../../domain/candidacy/clocks.js';
import { ACTIONS, allowedActions, isTerminal, type Action } from '../../domain/phases.js';
import type { WaitingOn } from '../../domain/roles.js';
import { waitingOnKey } from '../../domain/roles.js';
import {
  INADMISSIBILITY_REASON_LABELS,
  MISSING_ITEM_LABELS,
  OUTCOME_LABELS,
} from '../../notifications/labels.js';
import type { CandidacyView } from '../../workflows/candidacy/contract.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { alert, badge, dateTime, sendError, sendNotFound, sendPage, table } from './components.js';
import { ACTION_BUTTONS, actionUi, WEIGHTY_ACTIONS, type ActionFormContext } from './forms/action-ui.js';
import {
  type FormErrors,
  type FormValues,
  formValuesFrom,
  formValuesOf,
  NO_ERRORS,
  refusalErrors,
  renderSchemaForm,
  toDateTimeLocal,
  validateSchemaForm,
} from './forms/schema-form.js';
import {
  ARM_LABELS,
  BLOCK_STATUS_LABELS,
  blockStatusBadge,
  COACHING_MODALITY_LABELS,
  EMAIL_STATUS_LABELS,
  emailLabel,
  eventLabel,
  HANDOFF_KIND_LABELS,
  HANDOFF_STATUS_LABELS,
  JOB_SITUATION_LABELS,
  JURY_CANCELLATION_LABELS,
  JURY_MODALITY_LABELS,
  operatorRoleLabel,
  phaseLabel,
  qualificationLevelLabel,
  recipientLabel,
  TRANSFER_REASON_LABELS,
  WITHDRAWAL_REASON_LABELS,
} from './labels.js';
import { candidacyName, operatorNames, phaseBadge, waitingOnLabel } from './shared.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The candidacy the user may see, or null (unknown, or not theirs: the same 404 page). */
async function visibleRow(deps: WebDeps, user: AuthenticatedUser, id: string): Promise<CandidacyRow | null> {
  if (!UUID.test(id)) return null;
  try {
    return await loadVisibleCandidacy(deps.db, user, id);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

/** What the page shows of a form sent back: its values and errors, or a refusal. */
interface PageState {
  status: number;
  form?: { action: Action; values: FormValues; errors: FormErrors };
  refusal?: Refusal;
  flash?: { kind: 'success' | 'error' | 'info'; text: string } | null;
}

/** `GET /candidatures/:id`. */
export async function candidacyPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  const row = await visibleRow(deps, user, String(req.params.id));
  if (!row) return sendNotFound(res, 'Cette candidature n’existe pas, ou votre organisme n’y a pas accès.');
  const ok = typeof req.query.ok === 'string' ? req.query.ok : undefined;
  const flash =
    ok === 'creation'
      ? { kind: 'success' as const, text: 'Candidature créée : son parcours a démarré.' }
      : ok && (ACTIONS as readonly string[]).includes(ok)
        ? { kind: 'success' as const, text: `Action enregistrée : ${ACTION_SUMMARIES[ok as Action]}.` }
        : null;
  await renderCandidacy(deps, res, row, { status: 200, flash });
}

/**
 * `POST /candidatures/:id/actions/:action`: the form parsed back into the action's body, checked by
 * its schema (400: the form again, each error beside its field), then the API's use case; a refusal
 * shows its French sentence (409…); done, 303 to the candidacy's page.
 */
export async function candidacyAction(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  const action = String(req.params.action);
  const row = await visibleRow(deps, user, String(req.params.id));
  if (!row || !(ACTIONS as readonly string[]).includes(action)) {
    return sendNotFound(
      res,
      'Cette candidature ou cette action n’existe pas, ou votre organisme n’y a pas accès.',
    );
  }
  const a = action as Action;
  const decision = canAct(callerOf(user), a, await partiesOf(deps.db, row));
  if (!decision.allowed) {
    return sendError(res, 403, 'Action non autorisée', decision.reason, {
      label: 'Retour à la candidature',
      href: `/candidatures/${row.id}`,
    });
  }
  const values = formValuesOf(req.body);
  const live = await queryState(deps.temporal, row.workflow_id, TEMPORAL_DEADLINES.queryMs).catch(() => null);
  const ctx = await formContext(deps, row, live);
  const ui = actionUi(a, ctx);
  const schema = ACTION_BODIES[a];
  const checked = validateSchemaForm(schema, ui, values);
  if (checked.errors) {
    return renderCandidacy(deps, res, row, {
      status: 400,
      form: { action: a, values, errors: checked.errors },
    });
  }
  const rawKey = values._key?.[0];
  try {
    await performAction(deps, {
      action: a,
      input: checked.data as ActionBody<Action> as ActionInput<Action>,
      row,
      actor: { userId: user.id, operatorId: user.operatorId },
      // The form's key: a form sent twice (a double click, a reload) is applied once.
      ...(rawKey && idempotencyKeySchema.safeParse(rawKey).success
        ? { idempotencyKey: `web:${rawKey}` }
        : {}),
      onUndoFailed: (err) =>
        deps.logger.error(
          { code: (err as { code?: string }).code, message: (err as Error).message },
          'undo failed',
        ),
    });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    if (err.kind === 'invalid') {
      const errors = refusalErrors(schema, ui, err);
      return renderCandidacy(deps, res, row, { status: 400, form: { action: a, values, errors } });
    }
    const status = REFUSAL_STATUS[err.kind];
    return renderCandidacy(deps, res, row, {
      status,
      refusal: err,
      form: { action: a, values, errors: NO_ERRORS },
    });
  }
  res.redirect(303, `/candidatures/${row.id}?ok=${a}`);
}

/**
 * `POST /candidatures/:id/parcours-complementaire`: after a partial result, the API's follow-up
 * use case (the advice operator's, as recording the information is), then 303 to the new candidacy.
 */
export async function followUpAction(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  const row = await visibleRow(deps, user, String(req.params.id));
  if (!row) return sendNotFound(res, 'Cette candidature n’existe pas, ou votre organisme n’y a pas accès.');
  const decision = canAct(callerOf(user), 'record-information', await partiesOf(deps.db, row));
  if (!decision.allowed) {
    return sendError(res, 403, 'Action non autorisée', decision.reason, {
      label: 'Retour à la candidature',
      href: `/candidatures/${row.id}`,
    });
  }
  try {
    const result = await openFollowUp(
      {
        db: deps.db,
        temporal: deps.temporal,
        taskQueue: deps.taskQueue,
        ...(deps.rpcTimeoutMs ? { rpcTimeoutMs: deps.rpcTimeoutMs } : {}),
        ...(deps.maxHistoryEvents ? { maxHistoryEvents: deps.maxHistoryEvents } : {}),
      },
      { id: user.id, operatorId: user.operatorId },
      row.id,
    );
    res.redirect(303, `/candidatures/${result.candidacyId}?ok=creation`);
  } catch (err) {
    if (!(err instanceof Refusal) || err.kind === 'invalid') throw err;
    const status = REFUSAL_STATUS[err.kind];
    return renderCandidacy(deps, res, row, { status, refusal: err });
  }
}

/** The choices the action forms offer, from the reference data of the candidacy's project. */
async function formContext(
  deps: WebDeps,
  row: CandidacyRow,
  live: CandidacyView | null,
): Promise<ActionFormContext> {
  const [codes, operators, responsible] = await Promise.all([
    deps.db
      .selectFrom('project_certifications')
      .select('rncp_code')
      .where('project_id', '=', row.project_id)
      .execute(),
    deps.db
      .selectFrom('project_operators as po')
      .innerJoin('operators as o', 'o.id', 'po.operator_id')
      .select(['o.id', 'o.name', 'po.role'])
      .where('po.project_id', '=', row.project_id)
      .orderBy('o.name')
      .execute(),
    live
      ? Promise.resolve(live.responsibleRole as string)
      : deps.db
          .selectFrom('candidacy_operators')
          .select('role')
          .where('candidacy_id', '=', row.id)
          .where('operator_id', '=', row.operator_id)
          .orderBy('since', 'desc')
          .executeTakeFirst()
          .then((r) => r?.role),
  ]);
  const certifications = await listCertifications(deps.db, [
    ...new Set([...codes.map((c) => c.rncp_code), row.rncp_code]),
  ]);
  const own = certifications.find((c) => c.rncpCode === row.rncp_code);
  const targeted = live
    ? live.blocks.filter((b) => b.status === 'targeted').map((b) => b.code)
    : row.target_blocks;
  return {
    certifications: certifications.filter((c) => codes.some((x) => x.rncp_code === c.rncpCode)),
    targetedBlocks: targeted.map((code) => ({
      code,
      title: own?.blocks.find((b) => b.code === code)?.title ?? '',
    })),
    coachingOperators: operators
      .filter((o) => o.role === 'coaching')
      .map((o) => ({ value: o.id, label: o.name })),
    transferTargets: operators
      .filter((o) => o.role === responsible && o.id !== row.operator_id)
      .map((o) => ({ value: o.id, label: o.name })),
  };
}

/** The values a form starts with: what the candidacy already knows. */
function initialValues(
  action: Action,
  detail: Awaited<ReturnType<typeof getCandidacy>>,
  live: CandidacyView | null,
  ctx: ActionFormContext,
): FormValues {
  const ui = actionUi(action, ctx);
  const schema = ACTION_BODIES[action];
  switch (action) {
    case 'record-information': {
      const c = detail.candidate as {
        qualificationLevel?: string;
        jobSituation?: string;
        employer?: string | null;
      };
      return formValuesFrom(schema, ui, {
        rncpCode: detail.rncpCode,
        targetBlocks: detail.targetBlocks,
        profile: { qualificationLevel: c.qualificationLevel, jobSituation: c.jobSituation },
        employer: c.employer ?? undefined,
      });
    }
    case 'log-coaching-session':
      return { date: [toDateTimeLocal(new Date())] };
    case 'schedule-jury':
      return live?.jurySession
        ? formValuesFrom(schema, ui, {
            sessionAt: live.jurySession.at,
            modality: live.jurySession.modality,
            place: live.jurySession.place,
          })
        : {};
    default:
      return {};
  }
}

async function renderCandidacy(deps: WebDeps, res: Response, row: CandidacyRow, state: PageState) {
  const { user, csrf } = webUserOf(res);
  const [detail, parties, names, certifications, timeline, emails] = await Promise.all([
    getCandidacy(deps.db, deps.temporal, row, user),
    partiesOf(deps.db, row),
    operatorNames(deps.db),
    listCertifications(deps.db, [row.rncp_code]),
    readTimeline(deps.db, row.id),
    readCandidacyEmails(deps.db, row.id),
  ]);
  const live = detail.live;
  const ctx = await formContext(deps, row, live);
  const certification = certifications[0];
  const blockTitle = (code: string) => certification?.blocks.find((b) => b.code === code)?.title ?? '';
  const phase = live?.phase ?? row.phase;
  const caller = callerOf(user);
  const phaseActions: Action[] =
    live?.allowedActions ??
    (isTerminal(row.phase)
      ? []
      : allowedActions(row.phase, { transferPending: row.transfer_to_operator_id !== null }));
  const mine = phaseActions.filter((a) => canAct(caller, a, parties).allowed);
  const others = phaseActions.filter((a) => !mine.includes(a));
  const name = candidacyName(detail);
  const waiting = live ? waitingOnKey(live.waitingOn as WaitingOn) : row.waiting_on;

  const refusal = state.refusal
    ? alert(
        'error',
        html`${state.refusal.message}
        ${
          typeof state.refusal.details.phase === 'string'
            ? html`<br />Phase actuelle : ${phaseLabel(state.refusal.details.phase)}.`
            : null
        }`,
        state.form ? `Action refusée : ${ACTION_SUMMARIES[state.form.action]}` : 'Action refusée',
      )
    : null;
  const formInError =
    state.form && !state.refusal
      ? alert(
          'error',
          html`Le formulaire
            <a href="#action-${state.form.action}">« ${ACTION_SUMMARIES[state.form.action]} »</a> contient des
            erreurs : rien n’a été enregistré.`,
        )
      : null;

  const temporalLink =
    user.role === 'administrator' && deps.temporalUiUrl
      ? html`<p>
          <a
            class="fr-link fr-icon-external-link-line fr-link--icon-right"
            href="${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(
              deps.temporal.options.namespace ?? 'default',
            )}/workflows/${encodeURIComponent(row.workflow_id)}"
            >Voir dans Temporal<span class="fr-sr-only">
              (le workflow ${row.workflow_id}, interface d’administration)</span
            ></a
          >
        </p>`
      : null;

  const summary = html`<ul class="fr-tags-group">
      <li><p class="fr-tag">${detail.rncpCode}${certification ? ` — ${certification.title}` : ''}</p></li>
      <li><p class="fr-tag">${ARM_LABELS[detail.arm as 'test' | 'control'] ?? detail.arm}</p></li>
      ${detail.reinforced ? html`<li><p class="fr-tag">Accompagnement renforcé</p></li>` : null}
    </ul>
    <p>Phase : ${phaseBadge(phase)}</p>
    <p>
      <strong>Qui doit agir :</strong> ${waitingOnLabel(waiting, names, user.operatorId)}
      ${waiting.endsWith(`:${user.operatorId}`) ? html`— ${badge('À vous d’agir', 'fr-badge--new')}` : null}
    </p>
    ${
      row.parent_candidacy_id
        ? html`<p>
            Parcours complémentaire de
            <a href="/candidatures/${row.parent_candidacy_id}">la candidature d’origine</a>.
          </p>`
        : null
    }
    ${temporalLink}`;

  const liveMissing = live
    ? null
    : alert(
        'warning',
        'L’état en direct du parcours est momentanément indisponible (moteur de workflows injoignable) : la phase et l’échéance affichées sont celles de la dernière mise à jour.',
      );

  const now = Date.now();
  const clocks = live
    ? table({
        caption: 'Délais en cours',
        className: 'fr-table--no-caption',
        head: ['Délai', 'Échéance (heure de Paris)', 'Temps restant'],
        rowHeaders: true,
        rows: live.deadlines.map((d) => {
          if (d.dueAt === null) {
            return [
              d.label,
              badge('Suspendu', 'fr-badge--warning'),
              `${d.remainingLabel ?? formatRemainingFr(d.remainingMs ?? 0)} (délai suspendu)`,
            ];
          }
          const left = Date.parse(d.dueAt) - now;
          return [
            d.label,
            dateTime(d.dueAt),
            left < 0
              ? html`${badge('Dépassé', 'fr-badge--error')} depuis ${formatRemainingFr(-left)}`
              : formatRemainingFr(left),
          ];
        }),
        empty: 'Aucun délai ne court.',
      })
    : html`<p>Prochaine échéance : ${dateTime(row.next_deadline)}</p>`;

  const blocks = live?.blocks ?? detail.targetBlocks.map((code) => ({ code, status: 'targeted' }));
  const blocksTable = table({
    caption: 'Blocs de compétences de cette candidature',
    className: 'fr-table--no-caption',
    head: ['Bloc', 'Intitulé', 'Statut'],
    rowHeaders: true,
    rows: blocks.map((b) => [
      b.code,
      blockTitle(b.code),
      badge(
        BLOCK_STATUS_LABELS[b.status as keyof typeof BLOCK_STATUS_LABELS] ?? b.status,
        blockStatusBadge(b.status),
      ),
    ]),
  });
  const acquired = detail.acquiredBlocks.length
    ? table({
        caption: 'Blocs déjà acquis par le candidat pour cette certification',
        head: ['Bloc', 'Intitulé', 'Acquis le', 'Candidature'],
        rowHeaders: true,
        rows: detail.acquiredBlocks.map((b) => [
          b.code,
          blockTitle(b.code),
          dateTime(b.acquiredAt),
          b.candidacyId === row.id
            ? 'Celle-ci'
            : html`<a href="/candidatures/${b.candidacyId}">Candidature du jury qui l’a validé</a>`,
        ]),
      })
    : html`<p>Aucun bloc de cette certification n’est encore acquis par le candidat.</p>`;

  const candidate = detail.candidate as {
    firstName?: string;
    lastName?: string;
    email?: string;
    phone?: string;
    birthYear?: number;
    qualificationLevel?: string;
    jobSituation?: string;
    employer?: string | null;
  };
  const candidateSection =
    candidate.firstName !== undefined
      ? html`<section class="fr-mb-5w" aria-labelledby="candidat-titre">
          <h2 id="candidat-titre">Le candidat</h2>
          <ul>
            <li>Nom : ${candidate.firstName} ${candidate.lastName}</li>
            <li>Adresse électronique : ${candidate.email}</li>
            <li>Téléphone : ${candidate.phone}</li>
            <li>Année de naissance : ${candidate.birthYear}</li>
            <li>Niveau de qualification : ${qualificationLevelLabel(candidate.qualificationLevel ?? '')}</li>
            <li>
              Situation d’emploi :
              ${JOB_SITUATION_LABELS[candidate.jobSituation as keyof typeof JOB_SITUATION_LABELS] ?? candidate.jobSituation}
            </li>
            ${candidate.employer ? html`<li>Employeur : ${candidate.employer}</li>` : null}
          </ul>
        </section>`
      : html`<p class="fr-text--sm">
          L’identité du candidat n’est communiquée qu’aux organismes qui travaillent avec lui.
        </p>`;

  const forms = [
    ...mine.filter((a) => !WEIGHTY_ACTIONS.includes(a)),
    ...mine.filter((a) => WEIGHTY_ACTIONS.includes(a)),
  ].map((a) => {
    const sent = state.form?.action === a ? state.form : null;
    return html`<section class="fr-mb-5w" id="action-${a}" aria-labelledby="action-${a}-titre">
      <h3 id="action-${a}-titre">${ACTION_SUMMARIES[a]}</h3>
      ${renderSchemaForm({
        schema: ACTION_BODIES[a],
        ui: actionUi(a, ctx),
        id: `form-${a}`,
        action: `/candidatures/${row.id}/actions/${a}`,
        csrf,
        submitLabel: ACTION_BUTTONS[a],
        values: sent ? sent.values : initialValues(a, detail, live, ctx),
        errors: sent && !state.refusal ? sent.errors : NO_ERRORS,
        hidden: { _key: randomUUID() },
        ...(WEIGHTY_ACTIONS.includes(a) ? { buttonClass: 'fr-btn--secondary' } : {}),
      })}
    </section>`;
  });
  const followUp =
    phase === 'result' &&
    live?.result?.outcome === 'partial' &&
    live.blocks.some((b) => b.status === 'not_validated') &&
    canAct(caller, 'record-information', parties).allowed
      ? html`<section class="fr-mb-5w" id="action-follow-up" aria-labelledby="action-follow-up-titre">
          <h3 id="action-follow-up-titre">Ouvrir un parcours complémentaire pour les blocs non validés</h3>
          <form method="post" action="/candidatures/${row.id}/parcours-complementaire">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <button class="fr-btn" type="submit">Ouvrir le parcours complémentaire</button>
          </form>
        </section>`
      : null;
  if (followUp) forms.unshift(followUp);
  const actionsSection = html`<section class="fr-mb-5w" aria-labelledby="actions-titre">
    <h2 id="actions-titre">Ce que vous pouvez faire</h2>
    ${forms.length ? forms : html`<p>Aucune action ne vous revient dans cette phase.</p>`}
    ${
      others.length
        ? html`<p class="fr-text--sm">
            Autres actions possibles dans cette phase, pour d’autres intervenants :
            ${others.map((a) => ACTION_SUMMARIES[a]).join(' ; ')}.
          </p>`
        : null
    }
  </section>`;

  const events = table({
    caption: `Historique : ${timeline.events.length} événement${timeline.events.length > 1 ? 's' : ''}`,
    head: ['Date (heure de Paris)', 'Événement', 'Auteur', 'Détails'],
    rows: timeline.events.map((e) => [
      dateTime(e.occurredAt),
      eventLabel(e.type),
      e.actor
        ? `${e.actor.userName ?? 'Utilisateur'}${e.actor.operatorName ? ` (${e.actor.operatorName})` : ''}`
        : typeof e.payload.timer === 'string'
          ? 'Échéance (automatique)'
          : '—',
      describePayload(e.payload, names, blockTitle),
    ]),
    empty: 'Aucun événement enregistré pour le moment.',
  });

  const handoffs = table({
    caption: 'Passages de relais entre organismes',
    className: 'fr-table--no-caption',
    head: ['Date', 'Type', 'De', 'Vers', 'Motif', 'Statut'],
    rows: timeline.handoffs.map((h) => [
      dateTime(h.requestedAt),
      `${HANDOFF_KIND_LABELS[h.kind] ?? h.kind} (${operatorRoleLabel(h.role)})`,
      h.from.name,
      h.to.name,
      h.kind === 'transfer'
        ? (TRANSFER_REASON_LABELS[h.reason as keyof typeof TRANSFER_REASON_LABELS] ?? h.reason)
        : eventLabel(h.reason),
      html`${HANDOFF_STATUS_LABELS[h.status] ?? h.status}${
        h.status === 'pending' && h.dueAt
          ? html`<br /><span class="fr-text--xs">à accepter avant le ${dateTime(h.dueAt)}</span>`
          : null
      }${h.acceptedAt && h.kind === 'transfer' ? html`<br /><span class="fr-text--xs">le ${dateTime(h.acceptedAt)}</span>` : null}`,
    ]),
    empty: 'Aucun passage de relais pour le moment.',
  });

  const mails = table({
    caption: 'E-mails de la candidature',
    className: 'fr-table--no-caption',
    head: ['Date', 'Destinataire', 'Objet', 'Statut'],
    rows: emails.map((m) => [
      dateTime(m.sentAt ?? m.failedAt ?? m.createdAt),
      recipientLabel(m.recipientKind),
      emailLabel(m.template),
      m.status === 'failed'
        ? html`${badge(EMAIL_STATUS_LABELS.failed!, 'fr-badge--error')}${m.failureReason ? html`<br />${m.failureReason}` : null}`
        : badge(
            EMAIL_STATUS_LABELS[m.status] ?? m.status,
            m.status === 'sent' ? 'fr-badge--success' : 'fr-badge--info',
          ),
    ]),
    empty: 'Aucun e-mail pour le moment.',
  });

  sendPage(res, state.status, {
    title: `${state.status >= 400 ? 'Erreur : ' : ''}${name}`,
    current: '/candidatures',
    flash: state.flash ?? null,
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Candidatures', href: '/candidatures' },
      { label: name },
    ],
    main: html`<h1>${name}</h1>
      ${refusal} ${formInError} ${liveMissing} ${summary}
      <section class="fr-mb-5w" aria-labelledby="delais-titre">
        <h2 id="delais-titre">Délais</h2>
        ${clocks}
      </section>
      <section class="fr-mb-5w" aria-labelledby="blocs-titre">
        <h2 id="blocs-titre">Blocs de compétences</h2>
        ${blocksTable} ${acquired}
      </section>
      ${actionsSection} ${candidateSection}
      <section class="fr-mb-5w" aria-labelledby="historique-titre">
        <h2 id="historique-titre">Historique</h2>
        ${events}
      </section>
      <section class="fr-mb-5w" aria-labelledby="relais-titre">
        <h2 id="relais-titre">Passages de relais</h2>
        ${handoffs}
      </section>
      <section class="fr-mb-5w" aria-labelledby="emails-titre">
        <h2 id="emails-titre">E-mails envoyés</h2>
        ${mails}
      </section>`,
  });
}

const VALUE_LABELS: Record<string, Record<string, string>> = {
  missingItems: MISSING_ITEM_LABELS,
  reasons: INADMISSIBILITY_REASON_LABELS,
  outcome: OUTCOME_LABELS,
};

const PAYLOAD_KEYS: Record<string, string> = {
  rncpCode: 'Certification',
  targetBlocks: 'Blocs visés',
  missingItems: 'Pièces manquantes',
  admissible: 'Recevable',
  implicit: 'Décision implicite',
  reasons: 'Motifs',
  coachOperatorId: 'Opérateur d’accompagnement',
  date: 'Date',
  durationMinutes: 'Durée (minutes)',
  modality: 'Modalité',
  sessionNumber: 'Séance n°',
  sessionAt: 'Session',
  outcome: 'Résultat',
  validatedBlocks: 'Blocs validés',
  remainingBlocks: 'Blocs restants',
  reason: 'Motif',
  fromOperatorId: 'De',
  toOperatorId: 'Vers',
  dueAt: 'Échéance',
  completionDueAt: 'À compléter avant le',
  juryDeadlineAt: 'Jury au plus tard le',
  reminderNumber: 'Relance n°',
  deadline: 'Délai',
};

/** A journal payload in a few French words (IDs of operators named, codes labelled, dates in Paris). */
function describePayload(
  payload: Record<string, unknown>,
  names: Map<string, string>,
  blockTitle: (code: string) => string,
): Html {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const label = PAYLOAD_KEYS[key];
    if (!label || value === undefined || value === null) continue;
    if (key === 'dueAt' && typeof payload.timer === 'string') continue;
    if (key === 'implicit' && value === false) continue;
    let text: string;
    if (typeof value === 'boolean') text = value ? 'oui' : 'non';
    else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      text = value
        .map((v) => {
          const s = String(v);
          return (
            VALUE_LABELS[key]?.[s] ?? (/BC\d{2}$/.test(s) && blockTitle(s) ? `${s} (${blockTitle(s)})` : s)
          );
        })
        .join(', ');
    } else if (key.endsWith('OperatorId')) text = names.get(String(value)) ?? String(value);
    else if (/(At|^date)$/.test(key) && typeof value === 'string') text = dateTime(value);
    else if (key === 'modality') {
      text =
        { ...COACHING_MODALITY_LABELS, ...JURY_MODALITY_LABELS }[String(value) as 'on_site'] ?? String(value);
    } else if (key === 'reason') {
      const s = String(value);
      text =
        WITHDRAWAL_REASON_LABELS[s as keyof typeof WITHDRAWAL_REASON_LABELS] ??
        TRANSFER_REASON_LABELS[s as keyof typeof TRANSFER_REASON_LABELS] ??
        JURY_CANCELLATION_LABELS[s as keyof typeof JURY_CANCELLATION_LABELS] ??
        (
          { inactivity: 'inactivité', coaching_not_started: 'accompagnement non commencé' } as Record<
            string,
            string
          >
        )[s] ??
        s;
    } else text = VALUE_LABELS[key]?.[String(value)] ?? String(value);
    parts.push(`${label} : ${text}`);
  }
  return parts.length ? html`${parts.map((p, i) => html`${i ? html`<br />` : null}${p}`)}` : html`—`;
}
