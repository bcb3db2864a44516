import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEMO } from '../../src/db/demo-data.js';
import { escapeText } from '../../src/web/html.js';
import { createWebSession } from '../../src/web/auth/sessions.js';
import { SESSION_COOKIE } from '../../src/web/auth/session-cookie.js';
import { eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, SECOND_ADVICE_OPERATOR } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

interface Session {
  cookie: string;
  csrf: string;
}

type Form = Record<string, string | string[]>;

/** Markup with its whitespace collapsed, none left between tags. */
const flat = (s: string) => s.replace(/\s+/g, ' ').replace(/> </g, '><');

describe('console pages: inbox, candidacies, actions', () => {
  let stack: TestStack;
  let projectId: string;
  const sessions = {} as Record<'advisor' | 'certifier' | 'admin' | 'lead' | 'jury' | 'foreign', Session>;
  /** Created through the form by the demo advisor, and by an advisor of another operator. */
  let mine: string;
  let foreign: string;

  async function web(
    method: 'GET' | 'POST',
    path: string,
    session: Session,
    form?: Form,
  ): Promise<{ status: number; location: string | null; text: string }> {
    let body: string | undefined;
    const headers: Record<string, string> = { cookie: `${SESSION_COOKIE}=${session.cookie}` };
    if (form) {
      const params = new URLSearchParams();
      params.append('_csrf', session.csrf);
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) params.append(k, x);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(stack.baseUrl + path, { method, headers, body, redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), text: flat(await res.text()) };
  }

  async function sessionOf(userId: string): Promise<Session> {
    const s = await createWebSession(stack.db, userId);
    return { cookie: s.cookie, csrf: s.csrf };
  }

  function candidateForm(lastName: string, overrides: Form = {}): Form {
    return {
      projectId,
      'candidate.firstName': 'Inès',
      'candidate.lastName': lastName,
      'candidate.email': `ines.${lastName.toLowerCase()}@exemple.fr`,
      'candidate.phone': '06 12 34 56 78',
      'candidate.birthYear': '1988',
      'candidate.qualificationLevel': 'level3',
      'candidate.jobSituation': 'employed',
      'candidate.employer': '',
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
      ...overrides,
    };
  }

  async function create(session: Session, lastName: string): Promise<string> {
    const page = await web('GET', '/candidatures/nouvelle', session);
    assert.equal(page.status, 200, page.text);
    const key = /name="_key" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(key, 'the form carries an idempotency key');
    const res = await web('POST', '/candidatures/nouvelle', session, {
      ...candidateForm(lastName),
      _key: key,
    });
    assert.equal(res.status, 303, res.text);
    const id = /^\/candidatures\/([0-9a-f-]{36})\?ok=creation$/.exec(res.location ?? '')?.[1];
    assert.ok(id, `redirected to the candidacy's page: ${res.location}`);
    // The same form sent twice creates one candidacy.
    const again = await web('POST', '/candidatures/nouvelle', session, {
      ...candidateForm(lastName),
      _key: key,
    });
    assert.equal(again.location, res.location);
    return id;
  }

  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, {});
    const foreignUser = randomUUID();
    await stack.db
      .insertInto('users')
      .values({
        id: foreignUser,
        operator_id: SECOND_ADVICE_OPERATOR,
        role: 'advisor',
        display_name: 'Bruno Autreconseil',
        email: `${foreignUser}@demo.parcours-vae.local`,
      })
      .execute();
    Object.assign(sessions, {
      advisor: await sessionOf(DEMO.users[0]!.id),
      certifier: await sessionOf(DEMO.users[1]!.id),
      admin: await sessionOf(DEMO.users[5]!.id),
      lead: await sessionOf(DEMO.users[4]!.id),
      jury: await sessionOf(DEMO.users[3]!.id),
      foreign: await sessionOf(foreignUser),
    });
  });
  after(async () => {
    await stack?.stop();
  });

  it('creates a candidacy through the form (the API schema and use case), then shows its page', async () => {
    mine = await create(sessions.advisor, `Martin${randomUUID().slice(0, 6)}`);
    foreign = await create(sessions.foreign, `Autre${randomUUID().slice(0, 6)}`);
    const page = await web('GET', `/candidatures/${mine}?ok=creation`, sessions.advisor);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Inès Martin/);
    assert.match(page.text, /Candidature créée : son parcours a démarré/);
    const row = await stack.db
      .selectFrom('candidacies')
      .selectAll()
      .where('id', '=', mine)
      .executeTakeFirstOrThrow();
    assert.equal(row.project_id, projectId);
    assert.deepEqual(row.target_blocks, ['RNCP35830BC01', 'RNCP35830BC02']);
  });

  it('a bad creation form answers 400 with French errors beside the fields (DSFR error states)', async () => {
    const res = await web(
      'POST',
      '/candidatures/nouvelle',
      sessions.advisor,
      candidateForm('Erreur', {
        'candidate.email': 'pas-une-adresse',
        'candidate.birthYear': '1850',
        targetBlocks: [],
      }),
    );
    assert.equal(res.status, 400);
    assert.match(res.text, /Le formulaire contient 3 erreurs/);
    assert.match(res.text, /fr-input-group fr-input-group--error/);
    assert.match(res.text, /Adresse e-mail invalide\./);
    assert.match(res.text, /Valeur trop petite : au minimum/);
    assert.match(res.text, /La liste ne doit pas être vide\./);
    // What was typed is kept.
    assert.match(res.text, /value="pas-une-adresse"/);
    assert.equal(
      (await stack.db.selectFrom('candidates').select('id').where('last_name', '=', 'Erreur').execute())
        .length,
      0,
    );
  });

  it('the inbox lists what the advisor’s operator must act on, not another operator’s; counts and filters', async () => {
    const inbox = await web('GET', '/', sessions.advisor);
    assert.equal(inbox.status, 200);
    assert.match(inbox.text, /<h1>Boîte de réception<\/h1>/);
    assert.ok(inbox.text.includes(`href="/candidatures/${mine}"`), 'own candidacy listed');
    assert.ok(!inbox.text.includes(foreign), 'another operator’s candidacy not listed');
    assert.match(inbox.text, /<caption> Répartition par phase <\/caption>/);
    assert.match(inbox.text, /<a href="\/\?phase=identified">Repéré<\/a>/);
    const other = await web('GET', '/', sessions.foreign);
    assert.ok(other.text.includes(foreign) && !other.text.includes(mine));
    // Filters: another phase, overdue only.
    const informed = await web('GET', '/?phase=informed', sessions.advisor);
    assert.ok(!informed.text.includes(`href="/candidatures/${mine}"`));
    const overdue = await web('GET', '/?overdue=1', sessions.advisor);
    assert.ok(!overdue.text.includes(`href="/candidatures/${mine}"`));
    // The list, with its filters, under the same visibility rules as the API.
    const list = await web('GET', '/candidatures?phase=identified&rncpCode=RNCP35830', sessions.advisor);
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`/candidatures/${mine}`) && !list.text.includes(foreign));
    const ignored = await web('GET', '/candidatures?phase=nimporte', sessions.advisor);
    assert.match(ignored.text, /Filtre ignoré : phase/);
    // Another operator's candidacy: the same 404 page as an unknown one.
    assert.equal((await web('GET', `/candidatures/${foreign}`, sessions.advisor)).status, 404);
    assert.equal((await web('GET', `/candidatures/${randomUUID()}`, sessions.advisor)).status, 404);
  });

  it('the candidacy page: phase, who acts, blocks, timeline with actors, and the forms of the actions allowed now', async () => {
    const page = await web('GET', `/candidatures/${mine}`, sessions.advisor);
    assert.equal(page.status, 200);
    assert.match(page.text, /Phase : <span class="fr-badge fr-badge--sm fr-badge--info">Repéré<\/span>/);
    assert.match(
      page.text,
      /Qui doit agir :<\/strong> Votre organisme \(Point Relais Conseil VAE, information et conseil\)/,
    );
    assert.match(page.text, /<th scope="row">RNCP35830BC01<\/th><td>Entretenir le logement/);
    assert.match(page.text, /Candidature créée \(candidat repéré\)/);
    assert.match(page.text, /Claire Conseil \(Point Relais Conseil VAE\)/);
    assert.ok(page.text.includes(`action="/candidatures/${mine}/actions/record-information"`));
    assert.ok(page.text.includes(`action="/candidatures/${mine}/actions/withdraw"`));
    // Not the certifier's actions, nor an action out of phase.
    assert.ok(!page.text.includes('actions/decide-admissibility'));
    assert.ok(!page.text.includes('actions/submit-admissibility'));
    // The certifier sees the candidacy but has nothing to do yet.
    const certifier = await web('GET', `/candidatures/${mine}`, sessions.certifier);
    assert.match(certifier.text, /Aucune action ne vous revient dans cette phase/);
    // The welcome e-mail is listed once sent.
    await eventually(async () => {
      const p = await web('GET', `/candidatures/${mine}`, sessions.advisor);
      return /Bienvenue dans le parcours/.test(p.text) && /Envoyé/.test(p.text);
    });
  });

  it('an action posted through its form changes the phase, then the clocks show; a suspended clock as suspended', async () => {
    const info = await web('POST', `/candidatures/${mine}/actions/record-information`, sessions.advisor, {
      eligibilityChecked: 'true',
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
      'profile.qualificationLevel': 'level3',
      'profile.jobSituation': 'employed',
      employer: '',
      _key: randomUUID(),
    });
    assert.equal(info.status, 303, info.text);
    assert.equal(info.location, `/candidatures/${mine}?ok=record-information`);
    const informed = await web('GET', info.location!, sessions.advisor);
    assert.match(informed.text, /Action enregistrée : Enregistrer l’information et le conseil/);
    assert.match(informed.text, /fr-badge--info">Informé et conseillé</);

    const submitted = await web(
      'POST',
      `/candidatures/${mine}/actions/submit-admissibility`,
      sessions.advisor,
      {},
    );
    assert.equal(submitted.status, 303, submitted.text);
    const requested = await web('GET', `/candidatures/${mine}`, sessions.certifier);
    assert.match(requested.text, />Recevabilité demandée</);
    assert.match(
      requested.text,
      /<th scope="row">Décision de recevabilité<\/th><td>\d+ \S+ 20\d\d à \d\d:\d\d<\/td><td>(1 mois|\d+ jours)/,
    );
    // The hand-off to the certifier.
    assert.match(requested.text, /Certificateur — Ministère du Travail/);

    // A bad action form: 400, the error beside its field, nothing applied.
    const bad = await web('POST', `/candidatures/${mine}/actions/mark-incomplete`, sessions.certifier, {});
    assert.equal(bad.status, 400);
    assert.match(bad.text, /fr-fieldset fr-fieldset--error/);
    assert.match(bad.text, /La liste ne doit pas être vide\./);
    assert.match(bad.text, /contient des erreurs : rien n’a été enregistré/);

    const incomplete = await web(
      'POST',
      `/candidatures/${mine}/actions/mark-incomplete`,
      sessions.certifier,
      {
        missingItems: ['identity_document', 'cerfa_form'],
      },
    );
    assert.equal(incomplete.status, 303, incomplete.text);
    const suspended = await web('GET', `/candidatures/${mine}`, sessions.advisor);
    assert.match(suspended.text, />Dossier de recevabilité incomplet</);
    assert.match(
      suspended.text,
      /Décision de recevabilité \(délai suspendu\)<\/th><td><span class="fr-badge fr-badge--sm fr-badge--warning">Suspendu<\/span><\/td><td>[^<]+\(délai suspendu\)/,
    );
    assert.match(suspended.text, /Pièces manquantes : Copie d’une pièce d’identité/);
    assert.match(suspended.text, /Marc Certif \(Certificateur — Ministère du Travail\)/);
  });

  it('a refused action shows the French sentence of its 409', async () => {
    // The certifier's form for a decision, sent while the file is incomplete (a stale page).
    const api = await stack.http('POST', `/api/candidacies/${mine}/decide-admissibility`, {
      role: 'certifier',
      body: { admissible: true },
    });
    assert.equal(api.status, 409);
    const res = await web('POST', `/candidatures/${mine}/actions/decide-admissibility`, sessions.certifier, {
      admissible: 'true',
    });
    assert.equal(res.status, 409);
    assert.match(res.text, /fr-alert fr-alert--error/);
    assert.match(res.text, /Action refusée : Statuer sur la recevabilité/);
    assert.ok(res.text.includes(flat(escapeText(api.body.detail))), `${api.body.detail} not in the page`);
    // An action the user's role may never take: 403, nothing applied.
    const forbidden = await web(
      'POST',
      `/candidatures/${mine}/actions/complete-file`,
      sessions.certifier,
      {},
    );
    assert.equal(forbidden.status, 403);
    // A form without the session's CSRF token is refused before reaching the page.
    const csrf = await fetch(`${stack.baseUrl}/candidatures/${mine}/actions/complete-file`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: `${SESSION_COOKIE}=${sessions.advisor.cookie}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '_csrf=faux',
    });
    assert.equal(csrf.status, 403);
    const phase = await stack.db
      .selectFrom('candidacies')
      .select('phase')
      .where('id', '=', mine)
      .executeTakeFirstOrThrow();
    assert.equal(phase.phase, 'admissibility_incomplete');
  });

  it('administrators see every candidacy, without the candidate’s identity', async () => {
    const page = await web('GET', `/candidatures/${foreign}`, sessions.admin);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Candidature n° [0-9a-f]{8}<\/h1>/);
    assert.ok(!page.text.includes('Inès'));
  });

  it('a project’s page: its policy beside the legal defaults, operators, users, certifications', async () => {
    const page = await web('GET', `/projets/${DEMO.fastProject.id}`, sessions.lead);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /<h2 id="politique-titre">Politique du projet<\/h2>/);
    // Legal default (2 mois) beside the project’s value (600 s).
    assert.match(
      page.text,
      /<th scope="row">délai de décision du certificateur sur la recevabilité<\/th><td>2 mois<\/td><td><strong>600 s<\/strong>/,
    );
    assert.match(page.text, /Point Relais Conseil VAE/);
    assert.match(page.text, /Claire Conseil<\/th><td>Conseiller/);
    assert.match(page.text, /RNCP35830 — Titre professionnel Assistant de vie aux familles/);
    assert.equal((await web('GET', '/projets', sessions.lead)).status, 200);
    assert.equal((await web('GET', `/projets/${DEMO.project.id}`, sessions.advisor)).status, 403);
    assert.equal((await web('GET', `/projets/${randomUUID()}`, sessions.admin)).status, 404);
  });

  it('the jury organiser’s page: the pool and the sessions', async () => {
    const page = await web('GET', '/jury', sessions.jury);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Membres du vivier : 36/);
    assert.match(page.text, /Hélène Martin/);
    assert.match(page.text, /Sessions de votre organisme/);
    assert.equal((await web('GET', '/jury', sessions.advisor)).status, 403);
    assert.equal((await web('GET', `/jury/sessions/${randomUUID()}`, sessions.jury)).status, 404);
  });

  it('a jury result entered through its form (one row per block), then the follow-up for the blocks left', async () => {
    const fast = await createProjectWithPolicy(stack.db, COMPRESSED);
    const driver = await CandidacyDriver.create(stack, { projectId: fast });
    await driver.toValidationFile();
    await driver.holdJury(2);
    const page = await web('GET', `/candidatures/${driver.id}`, sessions.certifier);
    assert.match(page.text, /<legend[^>]*> ?RNCP35830BC01 — Entretenir le logement/);
    assert.ok(page.text.includes('name="blocks.1.validated"'));
    const res = await web(
      'POST',
      `/candidatures/${driver.id}/actions/record-jury-result`,
      sessions.certifier,
      {
        outcome: 'partial',
        'blocks.0.validated': 'true',
      },
    );
    assert.equal(res.status, 303, res.text);
    const result = await web('GET', `/candidatures/${driver.id}`, sessions.advisor);
    assert.match(result.text, />Résultat notifié</);
    assert.match(
      result.text,
      /RNCP35830BC01<\/th><td>[^<]+<\/td><td><span class="fr-badge fr-badge--sm fr-badge--success">Validé/,
    );
    assert.match(
      result.text,
      /RNCP35830BC02<\/th><td>[^<]+<\/td><td><span class="fr-badge fr-badge--sm fr-badge--error">Non validé/,
    );
    assert.match(result.text, /Blocs déjà acquis par le candidat/);
    assert.ok(result.text.includes(`action="/candidatures/${driver.id}/parcours-complementaire"`));
    const followUp = await web(
      'POST',
      `/candidatures/${driver.id}/parcours-complementaire`,
      sessions.advisor,
      {},
    );
    assert.equal(followUp.status, 303, followUp.text);
    const child = /^\/candidatures\/([0-9a-f-]{36})\?ok=creation$/.exec(followUp.location ?? '')?.[1];
    assert.ok(child && child !== driver.id);
    const childPage = await web('GET', `/candidatures/${child}`, sessions.advisor);
    assert.ok(childPage.text.includes(`href="/candidatures/${driver.id}">la candidature d’origine`));
    assert.match(childPage.text, /<th scope="row">RNCP35830BC02<\/th>/);
  });

  itReplaysEveryWorkflow(() => stack);
});
