import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { indicatorsFor } from '../../app/indicators/cache.js';
import { CONFIDENTIALITY_RULE } from '../../app/indicators/compute.js';
import { toCsv } from '../../app/indicators/csv.js';
import { dataDictionary, DICTIONARY_CSV_HEADER, dictionaryRows } from '../../app/indicators/dictionary.js';
import { candidateExport, exportCsv } from '../../app/indicators/export.js';
import { indicatorsCsv } from '../../app/indicators/indicators-csv.js';
import type { Database } from '../../db/schema.js';
import { currentUser } from '../auth.js';
import { loadAdministeredProject, requireAdministratorOrLead } from '../reference/access.js';
import { defineRoute } from '../route.js';
import { problemSchema } from '../schemas/common.js';
import {
  dictionaryQuerySchema,
  dictionarySchema,
  exportQuerySchema,
  indicatorsQuerySchema,
  indicatorsSchema,
} from './schemas.js';

/**
 * `GET /api/indicators` (JSON or CSV), `GET /api/indicators/export` (the pseudonymised export) and
 * `GET /api/indicators/dictionary`: for a project's lead and administrators. The role is checked
 * before the query (an advisor gets 403 whatever they ask), then the project: unknown 404, led by
 * someone else 403.
 */
const WHAT = 'les indicateurs et l’export d’un projet';

export function sendCsv(res: Response, filename: string, body: string): void {
  res
    .status(200)
    .setHeader('Content-Type', 'text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .setHeader('Cache-Control', 'no-store')
    .send(body);
}

export function indicatorRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;
  const authorize = async ({ user }: { user: Parameters<typeof requireAdministratorOrLead>[0] }) => {
    requireAdministratorOrLead(user, WHAT);
  };

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/indicators',
    summary:
      'Les indicateurs d’un projet, avec le groupe test comparé au groupe témoin (porteur du projet, administrateurs)',
    description:
      'Calculés sur le journal des candidatures et les sessions de jury : entonnoir (effectifs à chaque étape, conversion, sorties), durées de chaque phase et du parcours (Kaplan–Meier : médiane et 90e centile avec IC 95 %, candidatures en cours censurées), attente du candidat et des organismes, relances, décisions implicites, passages de relais et transferts, échéances dépassées, jurys (sessions, membres, part à distance, coûts) ; écarts test − témoin avec l’intervalle de Newcombe, test du log-rank pour les durées. ' +
      `${CONFIDENTIALITY_RULE} ` +
      '`format=csv` : une ligne par valeur (RFC 4180, UTF-8 avec BOM ; `separator=semicolon` pour « ; » et la virgule décimale).',
    tags: ['Indicateurs'],
    auth: true,
    query: indicatorsQuerySchema,
    authorize,
    responses: {
      200: { description: 'Les indicateurs (ou leur CSV avec format=csv).', schema: indicatorsSchema },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ query, user }, _req, res) => {
      await loadAdministeredProject(db, user ?? currentUser(res), query.projectId, WHAT);
      const indicators = await indicatorsFor(db, {
        projectId: query.projectId,
        from: query.from,
        to: query.to,
        breakdown: query.breakdown,
      });
      if (query.format === 'csv') {
        return sendCsv(res, `indicateurs-${query.projectId}.csv`, indicatorsCsv(indicators, query.separator));
      }
      res.setHeader('Cache-Control', 'no-store').json(indicators);
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/indicators/export',
    summary:
      'L’export pseudonymisé des candidatures pour les évaluateurs, en CSV (porteur du projet, administrateurs)',
    description:
      'Une ligne par candidature : pseudonyme stable (HMAC-SHA-256 de l’identifiant sous la clé secrète du projet), groupe, strates, tranche d’âge, niveau de qualification, situation d’emploi, étape atteinte, issue, blocs visés et validés, dates en jours depuis le repérage, attentes et relances. Ni nom, ni adresse électronique, ni téléphone, ni employeur, ni année de naissance, ni identifiant. Chaque colonne est décrite par GET /api/indicators/dictionary.',
    tags: ['Indicateurs'],
    auth: true,
    query: exportQuerySchema,
    authorize,
    responses: {
      200: { description: 'Le CSV (text/csv, UTF-8 avec BOM).' },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ query, user }, _req, res) => {
      await loadAdministeredProject(db, user ?? currentUser(res), query.projectId, WHAT);
      const records = await candidateExport(db, {
        projectId: query.projectId,
        from: query.from,
        to: query.to,
      });
      sendCsv(res, `export-evaluateurs-${query.projectId}.csv`, exportCsv(records, query.separator));
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/indicators/dictionary',
    summary:
      'Le dictionnaire des données de l’export et des indicateurs (porteurs de projet, administrateurs)',
    description:
      'Chaque colonne de l’export pseudonymisé avec son type, sa description en français, son unité et ses valeurs possibles ; puis les colonnes du CSV des indicateurs. `format=csv` pour un tableur.',
    tags: ['Indicateurs'],
    auth: true,
    query: dictionaryQuerySchema,
    authorize,
    responses: { 200: { description: 'Le dictionnaire.', schema: dictionarySchema } },
    handler: async ({ query }, _req, res) => {
      const dictionary = dataDictionary();
      if (query.format === 'csv') {
        return sendCsv(
          res,
          'dictionnaire-des-donnees.csv',
          toCsv(DICTIONARY_CSV_HEADER, dictionaryRows(dictionary), { separator: query.separator }),
        );
      }
      res.json(dictionary);
    },
  });

  return router;
}
