import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createUserWithToken } from './projects.js';
import type { TestStack } from './stack.js';

/**
 * A jury organisation of a test's own in a project (so that the pool holds only the test's
 * members), its organiser's token, members added through the API, and the invitation links read
 * from the mail capture.
 */

/** Every day, all day (Paris): a member always available. */
export const ALWAYS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: '00:00', to: '23:59' }));

export interface JuryOrganisation {
  operatorId: string;
  /** The organiser's API token. */
  token: string;
  members: Record<string, { id: string; email: string }>;
  /** A member `key` (« Membre <KEY> »), qualified for RNCP35830, professional, always free. */
  addMember(key: string, body?: Record<string, unknown>): Promise<void>;
  /** The path of the invitation link of a session e-mailed to a member. */
  invitationPath(email: string, sessionId: string): Promise<string>;
}

export async function createJuryOrganisation(stack: TestStack, projectId: string): Promise<JuryOrganisation> {
  const operatorId = randomUUID();
  await stack.db
    .insertInto('operators')
    .values({
      id: operatorId,
      name: `Jurys du test ${operatorId.slice(0, 4)}`,
      email: `jurys-${operatorId}@exemple.fr`,
    })
    .execute();
  await stack.db
    .insertInto('project_operators')
    .values({ project_id: projectId, operator_id: operatorId, role: 'jury_organisation' })
    .execute();
  const token = await createUserWithToken(stack.db, operatorId, 'jury_organiser');
  const members: JuryOrganisation['members'] = {};
  return {
    operatorId,
    token,
    members,
    async addMember(key, body = {}) {
      const email = `${key}.${randomUUID().slice(0, 8)}@exemple.fr`;
      const res = await stack.http('POST', '/api/jury/members', {
        token,
        body: {
          displayName: `Membre ${key.toUpperCase()}`,
          email,
          profile: 'professional',
          gender: 'F',
          qualifications: [{ rncpCode: 'RNCP35830', blockCodes: 'all' }],
          ties: { employers: [], operatorIds: [], userIds: [] },
          availability: { weekly: ALWAYS, unavailableDates: [] },
          remote: true,
          homeDepartement: '75',
          feeCents: 10_000,
          travelCents: 5_000,
          yearlyCap: 50,
          ...body,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      members[key] = { id: res.body.id, email };
    },
    async invitationPath(email, sessionId) {
      const mail = await stack.mail.waitFor(
        (m) =>
          m.to.includes(email) &&
          /Invitation/.test(m.subject) &&
          m.headers['x-parcours-vae-session'] === sessionId,
        30_000,
      );
      const path = /\/jury\/invitations\/[A-Za-z0-9._-]+/.exec(mail.text ?? '')?.[0];
      assert.ok(path, mail.text);
      return path;
    },
  };
}
