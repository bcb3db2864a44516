import { resultsGridSchema } from '../../../api/jury/session-schemas.js';
import { requestErrors } from '../../../api/validation.js';
import { JURY_OUTCOMES, OUTCOME_LABELS } from '../../../notifications/labels.js';
import { html, type Html } from '../../html.js';
import { fieldMessages, type FormValues } from '../forms/schema-form.js';
import { ATTENDANCE_LABELS } from './jury-labels.js';

/**
 * A session's results grid as one form: per convened candidacy its outcome and the blocks the
 * jury validated, per member their attendance. Parsed into the body of the API's results grid
 * (`POST /api/jury/sessions/:id/results`) and checked by that schema; each candidacy then judges
 * its own result (the same rules as `record-jury-result`).
 */

export interface GridRows {
  candidacies: { candidacyId: string; label: string; blocks: string[] }[];
  members: { memberId: string; name: string }[];
}

export type GridErrors = Record<string, string[]>;

const ATTENDANCES = ['present', 'absent', 'excused'] as const;

/** The grid's body from the form, its rows fixed by the server (never by hidden fields). */
export function parseResultsGrid(
  rows: GridRows,
  values: FormValues,
): { body: unknown; errors: GridErrors; ok: boolean } {
  const errors: GridErrors = {};
  const results = rows.candidacies.map((c) => {
    const outcome = values[`outcome.${c.candidacyId}`]?.[0] ?? '';
    const validated = new Set(values[`validated.${c.candidacyId}`] ?? []);
    const examined = outcome !== 'absent' && outcome !== 'excused';
    return {
      candidacyId: c.candidacyId,
      outcome,
      blocks: examined ? c.blocks.map((code) => ({ code, validated: validated.has(code) })) : [],
    };
  });
  const memberAttendance = rows.members.map((m) => ({
    memberId: m.memberId,
    attendance: values[`attendance.${m.memberId}`]?.[0] ?? 'present',
  }));
  const body = { results, memberAttendance };
  const checked = requestErrors(resultsGridSchema, body, 'body');
  for (const e of checked.errors) {
    const m = /^body\.(results|memberAttendance)\.(\d+)/.exec(e.path);
    const name = !m
      ? 'grid'
      : m[1] === 'results'
        ? `outcome.${rows.candidacies[Number(m[2])]!.candidacyId}`
        : `attendance.${rows.members[Number(m[2])]!.memberId}`;
    (errors[name] ??= []).push(e.message);
  }
  return { body: checked.data ?? body, errors, ok: checked.errors.length === 0 };
}

export function renderResultsGrid(o: {
  action: string;
  csrf: string;
  rows: GridRows;
  values?: FormValues;
  errors?: GridErrors;
}): Html {
  const values = o.values ?? {};
  const errors = o.errors ?? {};
  const fieldErrors = (name: string, id: string) => fieldMessages(id, errors[name] ?? []);
  return html`<form method="post" action="${o.action}" id="grille" class="vae-form">
    <input type="hidden" name="_csrf" value="${o.csrf}" />
    ${
      errors.grid?.length
        ? html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">
            ${errors.grid.map((m) => html`<p>${m}</p>`)}
          </div>`
        : null
    }
    ${o.rows.candidacies.map((c, i) => {
      const name = `outcome.${c.candidacyId}`;
      const id = `grille-c${i}`;
      const picked = values[name]?.[0] ?? '';
      const ticked = new Set(values[`validated.${c.candidacyId}`] ?? []);
      return html`<fieldset class="fr-fieldset" aria-labelledby="${id}-legend">
        <legend class="fr-fieldset__legend" id="${id}-legend">${c.label}</legend>
        <div class="fr-fieldset__element">
          <div class="fr-select-group ${errors[name] ? 'fr-select-group--error' : ''}">
            <label class="fr-label" for="${id}-outcome">Résultat du jury</label>
            <select class="fr-select" id="${id}-outcome" name="${name}" aria-describedby="${id}-messages">
              <option value="" ${picked === '' ? html`selected` : null} disabled>Choisir le résultat</option>
              ${JURY_OUTCOMES.map(
                (v) =>
                  html`<option value="${v}" ${picked === v ? html`selected` : null}>
                    ${OUTCOME_LABELS[v]}
                  </option>`,
              )}
            </select>
            ${fieldErrors(name, id)}
          </div>
        </div>
        ${c.blocks.map(
          (code, j) =>
            html`<div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input
                  type="checkbox"
                  id="${id}-b${j}"
                  name="validated.${c.candidacyId}"
                  value="${code}"
                  ${ticked.has(code) ? html`checked` : null}
                />
                <label class="fr-label" for="${id}-b${j}">Bloc ${code} validé</label>
              </div>
            </div>`,
        )}
      </fieldset>`;
    })}
    ${
      o.rows.members.length
        ? html`<fieldset class="fr-fieldset" aria-labelledby="grille-presence-legend">
            <legend class="fr-fieldset__legend" id="grille-presence-legend">
              Présence des membres (un membre absent ou excusé n’est pas défrayé)
            </legend>
            ${o.rows.members.map((m, i) => {
              const name = `attendance.${m.memberId}`;
              const picked = values[name]?.[0] ?? 'present';
              return html`<div class="fr-fieldset__element">
                <div class="fr-select-group">
                  <label class="fr-label" for="grille-m${i}">${m.name}</label>
                  <select
                    class="fr-select"
                    id="grille-m${i}"
                    name="${name}"
                    aria-describedby="grille-m${i}-messages"
                  >
                    ${ATTENDANCES.map(
                      (v) =>
                        html`<option value="${v}" ${picked === v ? html`selected` : null}>
                          ${ATTENDANCE_LABELS[v]}
                        </option>`,
                    )}
                  </select>
                  ${fieldErrors(name, `grille-m${i}`)}
                </div>
              </div>`;
            })}
          </fieldset>`
        : null
    }
    <button class="fr-btn" type="submit">Enregistrer la grille des résultats</button>
  </form>`;
}
