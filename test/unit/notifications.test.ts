import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INADMISSIBILITY_REASON_CODES, MISSING_ITEM_CODES } from '../../src/domain/codes.js';
import { OPERATOR_ROLES } from '../../src/domain/roles.js';
import {
  dateFr,
  dateTimeFr,
  list,
  blockTitle,
  TemplateDataError,
  type EmailContext,
  type EmailData,
} from '../../src/notifications/context.js';
import { candidateStatusLink, CANDIDATE_STATUS_LINK_DAYS } from '../../src/activities/email-context.js';
import { escapeHtml, type RenderedEmail } from '../../src/notifications/layout.js';
import { CANDIDATE_STATUS_LINK, createLinkSigner, INVITATION_LINK } from '../../src/signed-links.js';
import {
  INADMISSIBILITY_REASON_LABELS,
  MISSING_ITEM_LABELS,
  OPERATOR_ROLE_LABELS,
} from '../../src/notifications/labels.js';
import {
  isTemplateName,
  TEMPLATE_GROUPS,
  TEMPLATES,
  type TemplateName,
} from '../../src/notifications/templates.js';

const CANDIDACY_ID = '7f3c2a1e-5b4d-4c8e-9a0f-1d2e3f4a5b6c';
const CANDIDATE_EMAIL = 'elodie.durand@exemple.fr';
const CANDIDATE_PHONE = '06 12 34 56 78';
const COACH_ID = '2b6f1c9e-8d4a-4f3b-a1c2-3d4e5f6a7b8c';
const ADVISOR_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const NEW_ADVISOR_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

/** The signed link to the candidate's status page, as the e-mail activity puts it in the context. */
const STATUS_LINK = `https://parcours-vae.exemple.fr/candidat/${CANDIDACY_ID}.1900000000.c2lnbmF0dXJl-_`;

const OPERATOR_NAMES: Record<string, string> = {
  [COACH_ID]: 'Cap Compétences Nord',
  [ADVISOR_ID]: 'Point relais conseil VAE de Lille',
  [NEW_ADVISOR_ID]: 'Maison de l’emploi de Roubaix',
};

const RECIPIENT_NAMES: Record<string, string> = {
  candidate: 'Élodie Durand',
  advisor: 'Point relais conseil VAE de Lille',
  certifier: 'DREETS Hauts-de-France',
  coach: 'Cap Compétences Nord',
  operator: 'Maison de l’emploi de Roubaix',
  lead: 'Région Hauts-de-France',
};

const BLOCKS = [
  { code: 'RNCP35830BC01', title: 'Entretenir le logement et le linge d’un particulier' },
  { code: 'RNCP35830BC02', title: 'Accompagner la personne dans les actes essentiels du quotidien' },
  { code: 'RNCP35830BC03', title: 'Relayer les parents dans la prise en charge des enfants à leur domicile' },
];

function recipientKind(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

function context(name: string, data: EmailData, overrides: Partial<EmailContext> = {}): EmailContext {
  const kind = recipientKind(name);
  const recipientName = RECIPIENT_NAMES[kind];
  assert.ok(recipientName, `no recipient name for prefix ${kind}`);
  return {
    recipientName,
    candidacyId: CANDIDACY_ID,
    candidate: { firstName: 'Élodie', lastName: 'Durand' },
    certification: { rncpCode: 'RNCP35830', title: 'Titre professionnel Assistant de vie aux familles' },
    blocks: BLOCKS,
    data,
    operatorNames: OPERATOR_NAMES,
    ...(kind === 'candidate' ? { statusLink: STATUS_LINK } : {}),
    ...overrides,
  };
}

function render(name: TemplateName, data: EmailData, overrides: Partial<EmailContext> = {}): RenderedEmail {
  return TEMPLATES[name](context(name, data, overrides));
}

// Dates (UTC) and how a French reader must see them (Europe/Paris).
const DUE_AT = '2027-02-03T10:00:00.000Z'; // 3 février 2027
const START_DUE_AT = '2027-08-01T09:00:00.000Z'; // 1er août 2027
const CONTEST_DUE_AT = '2027-03-18T12:00:00.000Z'; // 18 mars 2027
const JURY_DEADLINE_AT = '2027-05-31T21:59:59.000Z'; // 31 mai 2027, 23 h 59 in Paris
const SESSION_AT = '2027-02-03T13:30:00.000Z'; // 3 février 2027 à 14 h 30
const RESULT_DUE_AT = '2027-02-18T22:59:59.000Z'; // 18 février 2027

interface Sample {
  data: EmailData;
  /** Strings that must appear in the text and (escaped) in the HTML. */
  expect?: string[];
  /** Data fields the template accepts but does not require. */
  optional?: string[];
}

const MISSING = ['identity_document', 'employer_certificate', 'other'];
const MISSING_LABELS = [
  MISSING_ITEM_LABELS.identity_document,
  MISSING_ITEM_LABELS.employer_certificate,
  MISSING_ITEM_LABELS.other,
];
const B1 = 'RNCP35830BC01 — Entretenir le logement et le linge d’un particulier';
const B3 = 'RNCP35830BC03 — Relayer les parents dans la prise en charge des enfants à leur domicile';
const PARTIAL = {
  outcome: 'partial',
  validatedBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
  remainingBlocks: ['RNCP35830BC03'],
};

/** One realistic sample per template: adding a template without a sample fails to compile and to test. */
const SAMPLES: Record<TemplateName, Sample> = {
  // intake
  'candidate.welcome': { data: {}, expect: ['Bienvenue', B1] },
  'candidate.informed': {
    data: { reinforced: true },
    expect: ['accompagnement renforcé', B3, 'recevabilité'],
  },
  // admissibility
  'candidate.admissibility_requested': {
    data: { dueAt: DUE_AT, silenceRule: 'admissible' },
    optional: ['silenceRule'],
    expect: ['3 février 2027', 'le silence vaut acceptation'],
  },
  'certifier.admissibility_requested': {
    data: { dueAt: DUE_AT, silenceRule: 'admissible' },
    expect: ['3 février 2027', 'réputée recevable', B1],
  },
  'certifier.admissibility_warning': {
    data: { dueAt: DUE_AT, silenceRule: 'rejected' },
    expect: ['3 février 2027', 'réputée rejetée'],
  },
  'candidate.file_incomplete': {
    data: { dueAt: DUE_AT, missingItems: MISSING },
    expect: ['3 février 2027', 'suspendu', 'caduque', ...MISSING_LABELS],
  },
  'advisor.file_incomplete': {
    data: { dueAt: DUE_AT, missingItems: MISSING },
    expect: ['3 février 2027', 'suspendu', 'caduque', ...MISSING_LABELS],
  },
  'candidate.file_incomplete_reminder': {
    data: { dueAt: DUE_AT, missingItems: ['cerfa_form'] },
    expect: ['3 février 2027', MISSING_ITEM_LABELS.cerfa_form],
  },
  'advisor.file_incomplete_reminder': {
    data: { dueAt: DUE_AT, missingItems: MISSING },
    expect: ['3 février 2027', ...MISSING_LABELS],
  },
  'candidate.request_lapsed': { data: {}, expect: ['caduque', 'nouvelle demande'] },
  'advisor.request_lapsed': { data: {}, expect: ['caduque'] },
  'certifier.file_completed': {
    data: { dueAt: DUE_AT },
    optional: ['silenceRule'],
    expect: ['3 février 2027', 'reprend'],
  },
  'candidate.admissibility_decision': {
    data: { admissible: true, implicit: false, reasons: [] },
    expect: ['recevable', B1],
  },
  'advisor.admissibility_decision': {
    data: { admissible: false, implicit: false, reasons: ['insufficient_experience_duration', 'other'] },
    expect: [
      'non recevable',
      INADMISSIBILITY_REASON_LABELS.insufficient_experience_duration,
      INADMISSIBILITY_REASON_LABELS.other,
    ],
  },
  'certifier.implicit_decision': { data: { admissible: true }, expect: ['réputée recevable'] },
  // coaching
  'candidate.coach_assigned': {
    data: { coachOperatorId: COACH_ID, reinforced: false, startDueAt: START_DUE_AT },
    expect: ['Cap Compétences Nord', '1er août 2027', 'accompagnement standard'],
  },
  'coach.coach_assigned': {
    data: { startDueAt: START_DUE_AT, reinforced: true },
    expect: ['1er août 2027', 'renforcé', B3],
  },
  'candidate.inactivity_reminder': {
    data: { reminderNumber: 1, remindersBeforeAbandonment: 3 },
    expect: ['Relance n° 1', 'encore 2 relances'],
  },
  'coach.inactivity_reminder': {
    data: { reminderNumber: 2, remindersBeforeAbandonment: 3 },
    expect: ['relance n° 2', 'après 3 relances'],
  },
  'candidate.abandonment_proposed': {
    data: { contestDueAt: CONTEST_DUE_AT, reason: 'inactivity' },
    expect: ['18 mars 2027', 'contester', 'relances'],
  },
  'coach.abandonment_proposed': {
    data: { contestDueAt: CONTEST_DUE_AT, reason: 'coaching_not_started' },
    expect: ['18 mars 2027', 'n’a pas commencé'],
  },
  'advisor.abandonment_proposed': {
    data: { contestDueAt: CONTEST_DUE_AT, reason: 'inactivity' },
    expect: ['18 mars 2027', 'relances'],
  },
  'candidate.abandonment_contested': { data: {}, expect: ['se poursuit', 'n’est pas abandonnée'] },
  'coach.abandonment_contested': { data: {}, expect: ['contesté'] },
  'candidate.abandoned': { data: {}, expect: ['abandonnée'] },
  'coach.abandoned': { data: {}, expect: ['abandonnée'] },
  'advisor.abandoned': { data: {}, expect: ['abandonnée'] },
  'candidate.validation_file_received': {
    data: { juryDeadlineAt: JURY_DEADLINE_AT },
    expect: ['31 mai 2027', 'convocation', B1],
  },
  'certifier.validation_file_submitted': {
    data: { juryDeadlineAt: JURY_DEADLINE_AT },
    expect: ['31 mai 2027', 'troisième mois'],
  },
  // jury
  'certifier.jury_escalation': { data: { juryDeadlineAt: JURY_DEADLINE_AT }, expect: ['31 mai 2027'] },
  'certifier.jury_deadline_missed': { data: { juryDeadlineAt: JURY_DEADLINE_AT }, expect: ['31 mai 2027'] },
  'lead.jury_deadline_missed': { data: { juryDeadlineAt: JURY_DEADLINE_AT }, expect: ['31 mai 2027'] },
  'candidate.jury_convocation': {
    data: {
      sessionAt: SESSION_AT,
      modality: 'on_site',
      place: 'DREETS, 77 rue Jacquemars-Giélée, 59000 Lille, salle 204',
      rescheduled: false,
    },
    expect: ['le 3 février 2027 à 14 h 30', 'sur place', 'Lieu : DREETS, 77 rue Jacquemars-Giélée', B3],
  },
  'candidate.jury_cancelled': {
    data: { sessionAt: SESSION_AT, reason: 'jury_not_composed' },
    expect: ['3 février 2027 à 14 h 30', 'annulée', 'le jury n’a pas pu être réuni', 'nouvelle session'],
  },
  'candidate.jury_reminder': {
    data: {
      sessionAt: SESSION_AT,
      modality: 'remote',
      place: 'https://visio.exemple.fr/jury/adv-204?x=1&y=2',
    },
    expect: [
      'le 3 février 2027 à 14 h 30',
      'à distance',
      'Lien de connexion : https://visio.exemple.fr/jury/adv-204?x=1&y=2',
    ],
  },
  'certifier.result_reminder': {
    data: { sessionAt: SESSION_AT, resultDueAt: RESULT_DUE_AT },
    expect: ['3 février 2027 à 14 h 30', '18 février 2027'],
  },
  'candidate.result': {
    data: PARTIAL,
    expect: [
      'validation partielle',
      `Acquis définitivement : ${B1}`,
      `Reste à valider : ${B3}`,
      'acquis définitivement',
    ],
  },
  'advisor.result': {
    data: PARTIAL,
    expect: ['Validation partielle', `Reste à valider : ${B3}`, 'parcours complémentaire'],
  },
  'coach.result': {
    data: { outcome: 'full', validatedBlocks: BLOCKS.map((b) => b.code), remainingBlocks: [] },
    expect: ['Validation totale'],
  },
  // overlays
  'candidate.withdrawn': { data: {}, expect: ['retrait'] },
  'operator.withdrawn': { data: {}, expect: ['retiré'] },
  'operator.transfer_requested': {
    data: { fromOperatorId: ADVISOR_ID, toOperatorId: NEW_ADVISOR_ID, dueAt: DUE_AT, role: 'advice' },
    expect: ['3 février 2027', 'Point relais conseil VAE de Lille', '« information et conseil »'],
  },
  'operator.transfer_accepted': {
    data: { fromOperatorId: ADVISOR_ID, toOperatorId: NEW_ADVISOR_ID, role: 'advice' },
    expect: ['Maison de l’emploi de Roubaix'],
  },
  'candidate.transfer_accepted': {
    data: { toOperatorId: NEW_ADVISOR_ID, role: 'advice' },
    expect: ['Maison de l’emploi de Roubaix'],
  },
  'operator.transfer_expired': {
    data: { fromOperatorId: ADVISOR_ID, toOperatorId: NEW_ADVISOR_ID, role: 'advice', dueAt: DUE_AT },
    expect: ['3 février 2027', 'reste suivie par Point relais conseil VAE de Lille', 'est annulé'],
  },
  'lead.transfer_escalated': {
    data: { fromOperatorId: ADVISOR_ID, toOperatorId: NEW_ADVISOR_ID, role: 'coaching', dueAt: DUE_AT },
    expect: [
      '3 février 2027',
      'reste suivie par Point relais conseil VAE de Lille',
      'Maison de l’emploi de Roubaix',
    ],
  },
  'candidate.archived': { data: {}, expect: ['archivée'] },
  'operator.archived': { data: {}, expect: ['archivée'] },
};

/** Other branches of the same templates. */
const VARIANTS: { name: TemplateName; label: string; data: EmailData; expect: string[] }[] = [
  {
    name: 'candidate.informed',
    label: 'standard coaching',
    data: { reinforced: false },
    expect: ['standard'],
  },
  {
    name: 'candidate.admissibility_requested',
    label: 'silence = rejection',
    data: { dueAt: DUE_AT, silenceRule: 'rejected' },
    expect: ['le silence vaut refus'],
  },
  {
    name: 'candidate.admissibility_requested',
    label: 'no silence rule given',
    data: { dueAt: DUE_AT },
    expect: ['en règle générale'],
  },
  {
    name: 'certifier.file_completed',
    label: 'with silence rule',
    data: { dueAt: DUE_AT, silenceRule: 'admissible' },
    expect: ['réputée recevable'],
  },
  {
    name: 'candidate.admissibility_decision',
    label: 'implicit admissible',
    data: { admissible: true, implicit: true, reasons: [] },
    expect: ['délai prévu', 'réputée recevable'],
  },
  {
    name: 'candidate.admissibility_decision',
    label: 'explicit inadmissible with reasons',
    data: { admissible: false, implicit: false, reasons: ['experience_unrelated_to_certification'] },
    expect: [
      'non recevable',
      INADMISSIBILITY_REASON_LABELS.experience_unrelated_to_certification,
      'conseiller',
    ],
  },
  {
    name: 'candidate.admissibility_decision',
    label: 'explicit inadmissible without reasons',
    data: { admissible: false, implicit: false, reasons: [] },
    expect: ['pas précisé de motif'],
  },
  {
    name: 'candidate.admissibility_decision',
    label: 'implicit rejection',
    data: { admissible: false, implicit: true, reasons: [] },
    expect: ['le silence vaut refus', 'réputée non recevable'],
  },
  {
    name: 'advisor.admissibility_decision',
    label: 'implicit admissible',
    data: { admissible: true, implicit: true, reasons: [] },
    expect: ['décision implicite', 'réputée recevable'],
  },
  {
    name: 'certifier.implicit_decision',
    label: 'implicit rejection',
    data: { admissible: false },
    expect: ['réputée non recevable'],
  },
  {
    name: 'candidate.inactivity_reminder',
    label: 'second to last',
    data: { reminderNumber: 2, remindersBeforeAbandonment: 3 },
    expect: ['encore une relance'],
  },
  {
    name: 'candidate.inactivity_reminder',
    label: 'last reminder',
    data: { reminderNumber: 3, remindersBeforeAbandonment: 3 },
    expect: ['dernière relance'],
  },
  {
    name: 'candidate.abandonment_proposed',
    label: 'coaching not started',
    data: { contestDueAt: CONTEST_DUE_AT, reason: 'coaching_not_started' },
    expect: ['n’a pas commencé'],
  },
  {
    name: 'candidate.jury_convocation',
    label: 'rescheduled, remote',
    data: {
      sessionAt: SESSION_AT,
      modality: 'remote',
      place: 'https://visio.exemple.fr/jury/42',
      rescheduled: true,
    },
    expect: [
      'reprogrammée',
      'remplace la précédente',
      'Lien de connexion : https://visio.exemple.fr/jury/42',
    ],
  },
  {
    name: 'candidate.result',
    label: 'full',
    data: { outcome: 'full', validatedBlocks: BLOCKS.map((b) => b.code), remainingBlocks: [] },
    expect: ['Félicitations', B3, 'acquis définitivement'],
  },
  {
    name: 'candidate.result',
    label: 'refused',
    data: { outcome: 'refused', validatedBlocks: [], remainingBlocks: BLOCKS.map((b) => b.code) },
    expect: ['aucun des blocs', 'conseiller'],
  },
  {
    name: 'candidate.result',
    label: 'absent',
    data: { outcome: 'absent', validatedBlocks: [], remainingBlocks: [] },
    expect: ['absence'],
  },
  {
    name: 'candidate.result',
    label: 'excused',
    data: { outcome: 'excused', validatedBlocks: [], remainingBlocks: [] },
    expect: ['nouvelle session', 'nouvelle convocation'],
  },
  ...(['full', 'refused', 'absent', 'excused'] as const).flatMap((outcome) =>
    (['advisor.result', 'coach.result'] as const).map((name) => ({
      name,
      label: outcome,
      data: { outcome, validatedBlocks: outcome === 'full' ? ['RNCP35830BC01'] : [], remainingBlocks: [] },
      expect: ['Résultat du jury'],
    })),
  ),
  ...OPERATOR_ROLES.map((role) => ({
    name: 'candidate.transfer_accepted' as const,
    label: `role ${role}`,
    data: { toOperatorId: COACH_ID, role },
    expect: [`« ${OPERATOR_ROLE_LABELS[role]} »`],
  })),
];

const CASES = [
  ...Object.entries(SAMPLES).map(([name, s]) => ({
    name: name as TemplateName,
    label: 'sample',
    data: s.data,
    expect: s.expect ?? [],
  })),
  ...VARIANTS,
];

const FORBIDDEN = ['undefined', 'null', '[object', 'NaN'];
const FRENCH = /[éèêàâçùûôîœ]|\b(votre|vos|de|du|des|la|le|les|à|pour|avant)\b/i;

describe('notification templates', () => {
  it('has a sample for every template, and no sample without a template', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(TEMPLATES).sort());
  });

  it('merges the phase groups without a duplicate name', () => {
    const total = Object.values(TEMPLATE_GROUPS).reduce((n, group) => n + Object.keys(group).length, 0);
    assert.equal(total, Object.keys(TEMPLATES).length);
  });

  it('has a template for every e-mail the path rules can send', () => {
    const dir = new URL('../../src/domain/candidacy/', import.meta.url);
    const names = new Set<string>();
    for (const file of readdirSync(dir)) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/template: '([a-z_.]+)'/g))
        names.add(m[1]!);
    }
    assert.ok(names.size > 30, `found only ${names.size} template names in the rules`);
    for (const name of names) assert.ok(isTemplateName(name), `no template ${name}`);
  });

  it('recognises template names', () => {
    assert.equal(isTemplateName('candidate.welcome'), true);
    assert.equal(isTemplateName('candidate.result'), true);
    assert.equal(isTemplateName('candidate.nope'), false);
    assert.equal(isTemplateName('toString'), false);
  });

  it('ends each e-mail with the footer of its reader: the candidate’s, or the operators’', () => {
    const candidateFooter = /contactez votre conseiller/i;
    const operatorFooter = 'Pour agir sur cette candidature, utilisez la console ou l’API Parcours VAE.';
    const kinds = new Set<string>();
    for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
      const email = render(name, SAMPLES[name].data);
      const footer = email.text.slice(email.text.lastIndexOf('\n--\n'));
      kinds.add(recipientKind(name));
      if (recipientKind(name) === 'candidate') {
        assert.match(footer, candidateFooter, `${name}: the candidate’s footer`);
        assert.match(email.html, candidateFooter, `${name}: the candidate’s footer in HTML`);
        assert.ok(!footer.includes(operatorFooter), `${name}: no operator footer for the candidate`);
      } else {
        // A certifier, advisor, coach or project lead has no « conseiller » to contact.
        assert.doesNotMatch(email.text, candidateFooter, `${name}: an operator e-mail`);
        assert.doesNotMatch(email.html, candidateFooter, `${name}: an operator e-mail (HTML)`);
        assert.ok(footer.includes(operatorFooter), `${name}: the operators’ footer`);
        assert.ok(email.html.includes(escapeHtml(operatorFooter)), `${name}: the operators’ footer in HTML`);
      }
    }
    assert.deepEqual([...kinds].sort(), ['advisor', 'candidate', 'certifier', 'coach', 'lead', 'operator']);
  });

  it('ends every candidate e-mail with the link to their status page, in text and HTML', () => {
    for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
      const email = render(name, SAMPLES[name].data);
      if (recipientKind(name) !== 'candidate') {
        assert.ok(!email.text.includes('/candidat/'), `${name}: no status link for an operator`);
        assert.ok(!email.html.includes('/candidat/'), `${name}: no status link for an operator (HTML)`);
        continue;
      }
      const body = email.text.slice(0, email.text.lastIndexOf('L’équipe Parcours VAE'));
      assert.ok(
        body
          .trimEnd()
          .endsWith(`Suivre votre parcours : ${STATUS_LINK}\nCe lien est personnel : ne le transmettez pas.`),
        `${name}: the closing paragraph:\n${body.slice(-300)}`,
      );
      assert.ok(
        email.html.includes(
          `<p>Suivre votre parcours : <a href="${escapeHtml(STATUS_LINK)}">${escapeHtml(STATUS_LINK)}</a>`,
        ),
        `${name}: the link in HTML`,
      );
    }
  });

  it('has no status paragraph when the context carries no link', () => {
    const email = render('candidate.welcome', {}, { statusLink: undefined });
    assert.ok(!email.text.includes('Suivre votre parcours'));
    assert.ok(!email.html.includes('Suivre votre parcours'));
    assert.ok(!email.html.includes('<a '));
  });

  it('signs the status link for the candidacy, for its page only, valid 60 days', () => {
    const signer = createLinkSigner('a-test-secret-of-at-least-32-characters!');
    const now = new Date('2027-01-10T09:00:00Z');
    const link = candidateStatusLink({ signer, publicUrl: 'https://vae.exemple.fr/' }, CANDIDACY_ID, now);
    const token = /^https:\/\/vae\.exemple\.fr\/candidat\/([A-Za-z0-9._-]+)$/.exec(link)?.[1];
    assert.ok(token, link);
    assert.deepEqual(signer.verify(CANDIDATE_STATUS_LINK, token, now), { id: CANDIDACY_ID });
    assert.deepEqual(signer.verify(INVITATION_LINK, token, now), { error: 'invalid' });
    const day = 24 * 3600 * 1000;
    const lastDay = new Date(now.getTime() + (CANDIDATE_STATUS_LINK_DAYS - 1) * day);
    assert.deepEqual(signer.verify(CANDIDATE_STATUS_LINK, token, lastDay), { id: CANDIDACY_ID });
    const after = new Date(now.getTime() + CANDIDATE_STATUS_LINK_DAYS * day);
    assert.deepEqual(signer.verify(CANDIDATE_STATUS_LINK, token, after), { error: 'expired' });
  });

  for (const c of CASES) {
    describe(`${c.name} (${c.label})`, () => {
      const email = render(c.name, c.data);
      const greeting = `Bonjour ${RECIPIENT_NAMES[recipientKind(c.name)]},`;

      it('has a short French subject', () => {
        assert.ok(email.subject.trim().length > 0);
        assert.ok(email.subject.length <= 90, `subject too long: ${email.subject}`);
        assert.match(email.subject, FRENCH);
        assert.doesNotMatch(email.subject, /[\r\n]/);
      });

      it('greets the recipient and gives the candidacy reference, in text and HTML', () => {
        assert.ok(email.text.startsWith(greeting), email.text.slice(0, 80));
        assert.ok(email.html.includes(`<p>${escapeHtml(greeting)}</p>`));
        assert.ok(email.text.includes(CANDIDACY_ID));
        assert.ok(email.html.includes(CANDIDACY_ID));
      });

      it('leaks no undefined, null, [object or NaN', () => {
        for (const part of [email.subject, email.text, email.html]) {
          for (const bad of FORBIDDEN) assert.ok(!part.includes(bad), `« ${bad} » in: ${part}`);
        }
      });

      it('says what it must', () => {
        for (const s of c.expect) {
          const seen = `${email.subject}\n${email.text}`;
          assert.ok(seen.includes(s), `subject and text lack « ${s} »:\n${seen}`);
          assert.ok(email.html.includes(escapeHtml(s)), `html lacks « ${s} »`);
        }
      });

      it('escapes the candidate’s name in HTML', () => {
        const evil = '<script>alert(1)</script>';
        const candidate = recipientKind(c.name) === 'candidate';
        const xss = render(c.name, c.data, {
          candidate: { firstName: 'Élodie', lastName: evil },
          ...(candidate ? { recipientName: `Élodie ${evil}` } : {}),
          certification: { rncpCode: 'RNCP35830', title: `Titre <b>ADVF</b> ${evil}` },
        });
        assert.doesNotMatch(xss.html, /<script/i);
        assert.doesNotMatch(xss.html, /<b>/);
      });

      if (recipientKind(c.name) !== 'candidate') {
        it('names the candidate but gives no contact details (operator e-mail)', () => {
          for (const part of [email.subject, email.text, email.html]) {
            assert.ok(!part.includes(CANDIDATE_EMAIL));
            assert.ok(!part.includes(CANDIDATE_PHONE));
            assert.ok(!part.includes('@'), `an address in: ${part}`);
          }
          assert.ok(email.text.includes('Élodie Durand'));
        });
      }
    });
  }

  describe('required data', () => {
    /** A value of the wrong type for each field. */
    function wrongValue(value: EmailData[string]): EmailData[string] {
      if (Array.isArray(value)) return 'identity_document';
      if (typeof value === 'number') return '3';
      if (typeof value === 'boolean') return 'true';
      return 42;
    }

    for (const [name, sample] of Object.entries(SAMPLES) as [TemplateName, Sample][]) {
      const required = Object.keys(sample.data).filter((k) => !sample.optional?.includes(k));
      for (const key of required) {
        it(`${name} throws when ${key} is missing or of the wrong type`, () => {
          const { [key]: _dropped, ...rest } = sample.data;
          assert.throws(
            () => render(name, rest),
            (err: unknown) => err instanceof TemplateDataError && err.message.includes(`"${key}"`),
          );
          assert.throws(
            () => render(name, { ...sample.data, [key]: wrongValue(sample.data[key]) }),
            (err: unknown) => err instanceof TemplateDataError && err.message.includes(`"${key}"`),
          );
        });
      }
    }

    const INVALID: [TemplateName, string, EmailData[string]][] = [
      ['candidate.admissibility_requested', 'dueAt', 'demain'],
      ['candidate.admissibility_requested', 'silenceRule', 'maybe'],
      ['certifier.admissibility_requested', 'silenceRule', 'accepted'],
      ['candidate.file_incomplete', 'missingItems', []],
      ['candidate.file_incomplete', 'missingItems', ['passport']],
      ['advisor.admissibility_decision', 'reasons', ['too_young']],
      ['candidate.inactivity_reminder', 'reminderNumber', 0],
      ['candidate.inactivity_reminder', 'reminderNumber', 1.5],
      ['candidate.inactivity_reminder', 'remindersBeforeAbandonment', Number.NaN],
      ['candidate.abandonment_proposed', 'reason', 'boredom'],
      ['candidate.jury_convocation', 'modality', 'hybrid'],
      ['candidate.jury_convocation', 'place', '   '],
      ['candidate.result', 'outcome', 'passed'],
      ['operator.transfer_requested', 'role', 'jury_member'],
    ];
    for (const [name, key, value] of INVALID) {
      it(`${name} rejects ${key} = ${JSON.stringify(value)}`, () => {
        assert.throws(
          () => render(name, { ...SAMPLES[name].data, [key]: value }),
          (err: unknown) => err instanceof TemplateDataError && err.message.includes(`"${key}"`),
        );
      });
    }

    it('candidate.result rejects a partial validation without validated or remaining blocks', () => {
      assert.throws(() => render('candidate.result', { ...PARTIAL, validatedBlocks: [] }), TemplateDataError);
      assert.throws(() => render('candidate.result', { ...PARTIAL, remainingBlocks: [] }), TemplateDataError);
    });
  });

  describe('fallbacks', () => {
    it('names no operator it could not load, and shows no id', () => {
      for (const name of [
        'candidate.coach_assigned',
        'lead.transfer_escalated',
        'candidate.transfer_accepted',
      ] as const) {
        const email = render(name, SAMPLES[name].data, { operatorNames: {} });
        for (const id of [COACH_ID, ADVISOR_ID, NEW_ADVISOR_ID]) assert.ok(!email.text.includes(id));
        assert.match(email.text, /organisme/);
      }
    });

    it('labels a block outside the targeted ones by its code', () => {
      const ctx = context('candidate.result', {});
      assert.equal(blockTitle(ctx, 'RNCP35830BC02'), `RNCP35830BC02 — ${BLOCKS[1]?.title}`);
      assert.equal(blockTitle(ctx, 'RNCP35830BC09'), 'RNCP35830BC09');
    });

    it('reads lists safely', () => {
      assert.deepEqual(list(['a', 2, 'b']), ['a', 'b']);
      assert.deepEqual(list('a'), []);
      assert.deepEqual(list(undefined), []);
    });
  });

  describe('labels and dates', () => {
    it('has a French label for every code', () => {
      for (const code of MISSING_ITEM_CODES) assert.ok(MISSING_ITEM_LABELS[code]);
      for (const code of INADMISSIBILITY_REASON_CODES) assert.ok(INADMISSIBILITY_REASON_LABELS[code]);
      for (const role of OPERATOR_ROLES) assert.ok(OPERATOR_ROLE_LABELS[role]);
    });

    it('formats dates and times in French, Paris time', () => {
      assert.equal(dateFr(DUE_AT), '3 février 2027');
      assert.equal(dateFr(START_DUE_AT), '1er août 2027');
      assert.equal(dateFr(JURY_DEADLINE_AT), '31 mai 2027');
      assert.equal(dateFr('2027-12-31T23:30:00Z'), '1er janvier 2028');
      assert.equal(dateTimeFr(SESSION_AT), '3 février 2027 à 14 h 30');
      assert.equal(dateTimeFr('2027-06-15T07:00:00Z'), '15 juin 2027 à 9 h');
      assert.equal(dateTimeFr('2027-06-15T07:05:00Z'), '15 juin 2027 à 9 h 05');
    });
  });
});
