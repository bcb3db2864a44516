import type { DeadlineName } from '../../domain/candidacy/rules.js';
import type { BlockStatus } from '../../domain/candidacy/state.js';
import { PHASE_LABELS_FR, type Phase } from '../../domain/phases.js';
import { dateTimeFr } from '../../notifications/context.js';
import { MODALITY_LABELS, OUTCOME_LABELS } from '../../notifications/labels.js';
import type { CandidacyView } from '../../workflows/candidacy/contract.js';
import { html, type Html } from '../html.js';
import { phaseBadgeClass } from '../pages/labels.js';

/**
 * What the candidate's status page shows: their candidacy only (the one of the signed link), read
 * from the read model and, when Temporal answers, the workflow's live state. No name, address or
 * phone: a forwarded link shows a path, not a person.
 */
export interface CandidateStatus {
  candidacyId: string;
  certification: { rncpCode: string; title: string };
  /** From the live state when there is one, else from the read model. */
  phase: Phase;
  /** Blocks of this certification the candidate has acquired (in any candidacy), oldest first. */
  acquired: { code: string; title: string; acquiredAt: string }[];
  /** The blocks this candidacy presents, with where each stands. */
  targeted: { code: string; title: string; status: BlockStatus }[];
  /** The live state; null when Temporal did not answer (the page then says so). */
  live: CandidacyView | null;
  /** The read model's next running deadline, shown when the live state is missing. */
  nextDeadlineAt: string | null;
}

/** The deadlines as the candidate reads them. */
const DEADLINE_LABELS_FOR_CANDIDATE: Record<DeadlineName, string> = {
  'admissibility-decision': 'Décision du certificateur sur votre recevabilité',
  'incomplete-file': 'Envoi des pièces manquantes',
  'coaching-start': 'Début de votre accompagnement',
  'abandonment-contest': 'Contestation de l’abandon envisagé',
  'jury-deadline': 'Passage devant le jury, au plus tard',
  'jury-session': 'Votre session de jury',
  'result-notification': 'Notification du résultat du jury',
  'transfer-acceptance': 'Changement d’organisme',
};

const BLOCK_STATUS_LABELS: Record<BlockStatus, string> = {
  targeted: 'présenté',
  validated: 'validé par le jury',
  not_validated: 'non validé',
  acquired_before: 'déjà acquis',
};

/** The next step, in plain French, for each phase. */
function nextStep(s: CandidateStatus): string {
  const live = s.live;
  switch (s.phase) {
    case 'identified':
      return 'Votre conseiller vous présente la démarche de VAE et vérifie avec vous la certification visée.';
    case 'informed':
      return 'Votre conseiller prépare avec vous la demande de recevabilité qui sera envoyée au certificateur.';
    case 'admissibility_requested':
      return 'Le certificateur examine votre demande de recevabilité. Vous n’avez rien à faire pour le moment.';
    case 'admissibility_incomplete':
      return 'Votre dossier de recevabilité est incomplet : transmettez les pièces manquantes à votre conseiller.';
    case 'admissible':
      return 'Votre demande est recevable : votre conseiller désigne l’organisme qui vous accompagnera.';
    case 'coaching':
      return live?.coaching?.startedAt
        ? 'Vous rédigez votre dossier de validation avec votre accompagnateur.'
        : 'Votre accompagnateur va prendre contact avec vous pour commencer la rédaction de votre dossier de validation.';
    case 'abandonment_proposed':
      return 'L’abandon de votre candidature est envisagé. Si vous souhaitez poursuivre, contactez votre accompagnateur avant la date indiquée : il enregistrera votre contestation.';
    case 'validation_file_submitted':
      return 'Votre dossier de validation est déposé : le certificateur organise votre passage devant le jury. Vous recevrez une convocation par e-mail.';
    case 'jury_scheduled':
      return live?.jurySession
        ? `Vous êtes convoqué devant le jury le ${dateTimeFr(live.jurySession.at)} (heure de Paris), ${MODALITY_LABELS[live.jurySession.modality as keyof typeof MODALITY_LABELS] ?? ''}. Le détail est dans votre convocation.`
        : 'Vous êtes convoqué devant le jury : le détail est dans votre convocation.';
    case 'jury_held':
      return 'Le jury s’est réuni : son résultat vous sera notifié par e-mail.';
    case 'result':
      return live?.result
        ? `Le jury a rendu son résultat : ${OUTCOME_LABELS[live.result.outcome].toLowerCase()}. Votre conseiller peut vous en expliquer les suites.`
        : 'Le jury a rendu son résultat. Votre conseiller peut vous en expliquer les suites.';
    case 'not_admissible':
      return 'Votre demande n’a pas été jugée recevable. Votre conseiller peut étudier avec vous les suites possibles.';
    case 'admissibility_lapsed':
      return 'Votre demande de recevabilité est caduque. Contactez votre conseiller pour en déposer une nouvelle, complète.';
    case 'withdrawn':
      return 'Vous avez retiré votre candidature : votre parcours est arrêté.';
    case 'abandoned':
      return 'Votre candidature a été déclarée abandonnée : votre parcours est arrêté.';
    case 'archived':
      return 'Votre candidature est clôturée et archivée. Aucune démarche n’est attendue de votre part.';
  }
}

/** When the candidate may answer an inactivity reminder from the page: coaching, `resume` allowed. */
export function canResume(s: CandidateStatus): boolean {
  return s.live ? s.live.phase === 'coaching' && s.live.allowedActions.includes('resume') : false;
}

/** The date of the next inactivity reminder, when that is the next clock of the path. */
export function nextReminderAt(live: CandidacyView | null): string | null {
  return live?.phase === 'coaching' && live.nextTimer?.kind === 'inactivity-reminder'
    ? live.nextTimer.dueAt
    : null;
}

const at = (iso: string) => html`<time datetime="${iso}">${dateTimeFr(iso)}</time>`;

function deadlines(s: CandidateStatus): Html {
  if (!s.live) {
    return html`<p>
      ${
        s.nextDeadlineAt
          ? html`Prochaine échéance : le ${at(s.nextDeadlineAt)} (heure de Paris).`
          : 'Aucune échéance en cours.'
      }
      Le détail de votre parcours n’est pas disponible pour le moment : réessayez dans quelques minutes.
    </p>`;
  }
  const list = s.live.deadlines;
  if (!list.length) return html`<p>Aucune échéance en cours.</p>`;
  return html`<ul>
    ${list.map(
      (d) =>
        html`<li>
          ${DEADLINE_LABELS_FOR_CANDIDATE[d.name] ?? d.label} :
          ${
            d.dueAt
              ? html`le ${at(d.dueAt)}`
              : html`délai suspendu${d.remainingLabel ? html`, il restera ${d.remainingLabel}` : ''}`
          }
        </li>`,
    )}
  </ul>`;
}

function blocks(s: CandidateStatus): Html {
  return html`<h2 class="fr-h4 fr-mt-5w">Vos blocs de compétences</h2>
    <h3 class="fr-h6">Blocs acquis</h3>
    ${
      s.acquired.length
        ? html`<ul>
            ${s.acquired.map(
              (b) =>
                html`<li>
                  ${b.code} — ${b.title} <span class="fr-text--sm">(acquis le ${at(b.acquiredAt)})</span>
                </li>`,
            )}
          </ul>`
        : html`<p>Aucun bloc acquis pour le moment.</p>`
    }
    <h3 class="fr-h6">Blocs visés par cette candidature</h3>
    ${
      s.targeted.length
        ? html`<ul>
            ${s.targeted.map(
              (b) =>
                html`<li>${b.code} — ${b.title} : <strong>${BLOCK_STATUS_LABELS[b.status]}</strong></li>`,
            )}
          </ul>`
        : html`<p>Les blocs visés ne sont pas encore choisis.</p>`
    }`;
}

function resumeForm(s: CandidateStatus, action: string): Html | '' {
  if (!canResume(s)) return '';
  const reminder = nextReminderAt(s.live);
  const unanswered = s.live?.coaching?.unansweredReminders ?? 0;
  return html`<div class="fr-callout fr-mt-5w">
    <h2 class="fr-callout__title fr-h4">Vous poursuivez votre parcours ?</h2>
    <p class="fr-callout__text">
      ${
        unanswered > 0
          ? html`Vous avez reçu ${unanswered === 1 ? 'une relance' : `${unanswered} relances`} sans réponse.`
          : ''
      }
      Sans activité de votre part, vous recevez une relance ; après plusieurs relances sans réponse, l’abandon
      de votre candidature peut être envisagé. Indiquez-nous que vous poursuivez :
      ${reminder ? html`la prochaine relance, prévue le ${at(reminder)}, sera repoussée.` : 'vos relances repartent de zéro.'}
    </p>
    <form method="post" action="${action}">
      <button type="submit" class="fr-btn">Je poursuis mon parcours</button>
    </form>
  </div>`;
}

/** The status page's content (its `<h1>` included). */
export function renderStatus(s: CandidateStatus, opts: { resumeAction: string }): Html {
  const phaseLabel = PHASE_LABELS_FR[s.phase];
  return html`<h1>Votre parcours VAE</h1>
    <p class="fr-text--lead">Certification « ${s.certification.title} » (${s.certification.rncpCode})</p>
    <p class="fr-text--sm">Référence de votre candidature : ${s.candidacyId}</p>
    <h2 class="fr-h4 fr-mt-5w">Où en êtes-vous ?</h2>
    <p>Étape actuelle : <span class="fr-badge ${phaseBadgeClass(s.phase)}">${phaseLabel}</span></p>
    <p><strong>Prochaine étape :</strong> ${nextStep(s)}</p>
    <h3 class="fr-h6">Échéances</h3>
    ${deadlines(s)} ${resumeForm(s, opts.resumeAction)} ${blocks(s)}
    <p class="fr-text--sm fr-mt-5w">
      Les dates et heures sont celles de Paris. Pour toute question, contactez votre conseiller ou votre
      accompagnateur. Ce lien est personnel : ne le transmettez pas.
    </p>`;
}

/** After « Je poursuis mon parcours »: what was recorded and when the next reminder would come. */
export function renderResumed(live: CandidacyView, statusHref: string): Html {
  const reminder = nextReminderAt(live);
  return html`<h1>Merci, c’est noté</h1>
    <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
      <p>
        Votre réponse est enregistrée dans le suivi de votre candidature : vous poursuivez votre parcours.
      </p>
    </div>
    <p>
      ${
        reminder
          ? html`Sans nouvelle activité, la prochaine relance vous sera envoyée le ${at(reminder)} (heure de
            Paris).`
          : 'Vos relances repartent de zéro.'
      }
    </p>
    <ul class="fr-btns-group fr-btns-group--inline-md">
      <li><a class="fr-btn fr-btn--secondary" href="${statusHref}">Revenir à mon parcours</a></li>
    </ul>`;
}
