import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { errorHandler, REFUSAL_STATUS, refusalProblem } from '../../src/api/errors.js';
import { Refusal, type RefusalKind } from '../../src/app/refusal.js';
import type { Logger } from '../../src/logger.js';

const EXPECTED: Record<RefusalKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Requête invalide' },
  not_found: { status: 404, title: 'Ressource introuvable' },
  conflict: { status: 409, title: 'Conflit avec l’état actuel' },
  forbidden: { status: 403, title: 'Accès refusé' },
  unavailable: { status: 503, title: 'Service momentanément indisponible' },
};

const KINDS = Object.keys(EXPECTED) as RefusalKind[];

/** What the express error handler sent, through a minimal response. */
function handle(err: unknown) {
  const warnings: unknown[] = [];
  const logger = {
    warn: (...args: unknown[]) => warnings.push(args),
    error: () => assert.fail('a refusal is not an unhandled error'),
  } as unknown as Logger;
  const sent: { status?: number; type?: string; body?: string } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(t: string) {
      sent.type = t;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  const req = { route: { path: '/api/test' } } as unknown as Request;
  errorHandler(logger)(err, req, res, () => assert.fail('next must not be called'));
  return { ...sent, json: JSON.parse(sent.body ?? 'null') as Record<string, unknown>, warnings };
}

describe('refusals map to HTTP in one place (src/api/errors.ts)', () => {
  it('gives every kind its status, and no kind is left without one', () => {
    assert.deepEqual(Object.keys(REFUSAL_STATUS).sort(), [...KINDS].sort());
    for (const kind of KINDS) {
      assert.equal(REFUSAL_STATUS[kind], EXPECTED[kind].status, kind);
      const p = refusalProblem(new Refusal(kind, 'some_code', 'Une phrase en français.'));
      assert.equal(p.status, EXPECTED[kind].status, kind);
      assert.equal(p.title, EXPECTED[kind].title, kind);
    }
  });

  for (const kind of KINDS) {
    it(`sends a refusal of kind ${kind} as ${EXPECTED[kind].status} problem+json with its code, detail and details`, () => {
      const refusal = new Refusal(kind, `${kind}_code`, `Refus « ${kind} ».`, {
        phase: 'identified',
        allowedActions: ['record-information'],
      });
      const sent = handle(refusal);
      assert.equal(sent.status, EXPECTED[kind].status);
      assert.equal(sent.type, 'application/problem+json');
      assert.deepEqual(sent.json, {
        type: `urn:parcours-vae:problem:${kind}_code`,
        title: EXPECTED[kind].title,
        status: EXPECTED[kind].status,
        code: `${kind}_code`,
        detail: `Refus « ${kind} ».`,
        phase: 'identified',
        allowedActions: ['record-information'],
      });
      // Only a dependency that did not answer is worth a warning in the logs.
      assert.equal(sent.warnings.length, kind === 'unavailable' ? 1 : 0);
    });
  }

  it('keeps the validation body shape: validation_failed, the summary as detail, errors[] per field', () => {
    const one = handle(Refusal.invalidField('body.projectId', 'unknown_project', 'Projet inconnu.'));
    assert.equal(one.status, 400);
    assert.deepEqual(one.json, {
      type: 'urn:parcours-vae:problem:validation_failed',
      title: 'Requête invalide',
      status: 400,
      code: 'validation_failed',
      detail: 'Projet inconnu.',
      errors: [{ path: 'body.projectId', code: 'unknown_project', message: 'Projet inconnu.' }],
    });
    const many = Refusal.invalid('Des blocs ne font pas partie de cette certification.', [
      { path: 'body.targetBlocks.0', code: 'unknown_block', message: 'Le bloc A est inconnu.' },
      { path: 'body.targetBlocks.2', code: 'unknown_block', message: 'Le bloc C est inconnu.' },
    ]);
    assert.equal(many.kind, 'invalid');
    assert.equal(many.code, 'validation_failed');
    assert.deepEqual(refusalProblem(many).errors?.length, 2);
    assert.equal(refusalProblem(many).detail, 'Des blocs ne font pas partie de cette certification.');
  });

  it('builds each kind with its small constructor', () => {
    const made: [Refusal, RefusalKind][] = [
      [Refusal.notFound('candidacy_not_found', 'Aucune candidature.'), 'not_found'],
      [Refusal.conflict('no_blocks_left', 'Plus aucun bloc.', { phase: 'result' }), 'conflict'],
      [Refusal.forbidden('role_not_allowed', 'Réservé.'), 'forbidden'],
      [Refusal.unavailable('workflow_start_failed', 'Indisponible.', { cause: 'timeout' }), 'unavailable'],
    ];
    for (const [refusal, kind] of made) {
      assert.ok(refusal instanceof Error);
      assert.equal(refusal.kind, kind);
    }
    assert.deepEqual(made[1]![0].details, { phase: 'result' });
    assert.deepEqual(made[2]![0].details, {});
    assert.deepEqual(refusalProblem(made[3]![0]).cause, 'timeout');
  });

  it('answers a query cancelled at the statement timeout with 503 query_timeout, in French, never 500', () => {
    const err = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const sent = handle(err);
    assert.equal(sent.status, 503);
    assert.equal(sent.json.code, 'query_timeout');
    assert.match(String(sent.json.detail), /temps imparti/);
    assert.equal(sent.warnings.length, 1);
  });
});
