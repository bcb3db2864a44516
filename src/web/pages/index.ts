import { Router } from 'express';
import type { WebDeps } from '../deps.js';
import { candidacyAction, candidacyPage, followUpAction } from './candidacy-page.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { changeExperimentFromForm, experimentPage } from './experiment-page.js';
import { inboxPage } from './inbox-page.js';
import { juryPage, planFromForm } from './jury/jury-home.js';
import { createFromProposal, proposalPage } from './jury/proposal-page.js';
import {
  cancelSessionFromForm,
  jurySessionPage,
  resultsFromForm,
  withdrawMemberFromForm,
} from './jury/session-page.js';
import { listPage } from './list-page.js';
import { createCandidacyFromForm, newCandidacyPage } from './new-candidacy-page.js';
import { changePolicyFromForm, policyPage } from './policy-page.js';
import { projectPage, projectsPage } from './project-pages.js';

/**
 * The console's pages, for a signed-in user (every POST has passed the CSRF check): the inbox, the
 * candidacies (list, creation, page and actions), projects (policy, experiment, indicators) and juries. Each page calls the same
 * use cases and access rules as the API.
 */
export function consolePages(deps: WebDeps): Router {
  const router = Router();
  router.get('/', (req, res) => inboxPage(deps, req, res));
  router.get('/candidatures', (req, res) => listPage(deps, req, res));
  router.get('/candidatures/nouvelle', (req, res) => newCandidacyPage(deps, req, res));
  router.post('/candidatures/nouvelle', (req, res) => createCandidacyFromForm(deps, req, res));
  router.get('/candidatures/:id', (req, res) => candidacyPage(deps, req, res));
  router.post('/candidatures/:id/actions/:action', (req, res) => candidacyAction(deps, req, res));
  router.post('/candidatures/:id/parcours-complementaire', (req, res) => followUpAction(deps, req, res));
  router.get('/projets', (req, res) => projectsPage(deps, req, res));
  router.get('/projets/:id', (req, res) => projectPage(deps, req, res));
  router.get('/projets/:id/politique', (req, res) => policyPage(deps, req, res));
  router.post('/projets/:id/politique', (req, res) => changePolicyFromForm(deps, req, res));
  router.get('/projets/:id/experience', (req, res) => experimentPage(deps, req, res));
  router.post('/projets/:id/experience', (req, res) => changeExperimentFromForm(deps, req, res));
  router.use(dashboardRoutes(deps));
  router.get('/jury', (req, res) => juryPage(deps, req, res));
  router.post('/jury/propositions', (req, res) => planFromForm(deps, req, res));
  router.get('/jury/propositions/:id', (req, res) => proposalPage(deps, req, res));
  router.post('/jury/propositions/:id/sessions/:key', (req, res) => createFromProposal(deps, req, res));
  router.get('/jury/sessions/:id', (req, res) => jurySessionPage(deps, req, res));
  router.post('/jury/sessions/:id/annulation', (req, res) => cancelSessionFromForm(deps, req, res));
  router.post('/jury/sessions/:id/membres/:memberId/desistement', (req, res) =>
    withdrawMemberFromForm(deps, req, res),
  );
  router.post('/jury/sessions/:id/resultats', (req, res) => resultsFromForm(deps, req, res));
  return router;
}
