import type { Response } from 'express';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`): a machine-readable
 * `code`, a French human sentence in `detail`, and for validation the list of what is wrong.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; code: string; message: string }[];
  [extra: string]: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Ressource introuvable',
  409: 'Conflit avec l’état actuel',
  413: 'Requête trop volumineuse',
  415: 'Type de contenu non pris en charge',
  500: 'Erreur interne',
  503: 'Service momentanément indisponible',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: `urn:parcours-vae:problem:${code}`,
    title: TITLES[status] ?? 'Erreur',
    status,
    code,
    detail,
    ...extra,
  };
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}
