import { parseArgs } from 'node:util';
import { adminService } from './app/admin/admin-service.js';
import { auditAllocations } from './app/experiment/audit.js';
import { projectSecrets } from './db/experiment-secrets.js';
import { Refusal } from './app/refusal.js';
import { createDb } from './db/connection.js';
import { USER_ROLES, type UserRole } from './domain/roles.js';

/**
 * `npm run admin -- <command> [options]`: operators, users and API tokens, and the experiment's
 * audit, against DATABASE_URL (by default the embedded database of a running `npm run dev`).
 */
const USAGE = `Usage: npm run admin -- <command> [options]

  create-operator --name <name> --email <shared mailbox>
  create-user     --operator <operator id> --role <${USER_ROLES.join('|')}> --name <display name> --email <e-mail>
  list-users
  create-token    --user <user id or e-mail> [--label <label>]     prints the token once
  list-tokens     --user <user id or e-mail>
  revoke-token    --token <token id>                                 takes effect at once
  experiment-audit <project id> [--seed <seed>]   every allocation recomputed from the seed (the
                                                   stored one, or an auditor's copy); exit 1 on a mismatch
  experiment-seed  <project id>                    prints the project's allocation seed, for an auditor

DATABASE_URL defaults to the embedded database of npm run dev (127.0.0.1:55432).`;

const DEV_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:55432/parcours_vae';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      operator: { type: 'string' },
      role: { type: 'string' },
      user: { type: 'string' },
      label: { type: 'string' },
      token: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const need = (key: keyof typeof values): string => {
    const v = values[key];
    if (typeof v !== 'string' || !v)
      throw Refusal.invalidField(`--${key}`, 'missing_option', `--${key} est requis.\n\n${USAGE}`);
    return v;
  };
  const db = createDb({
    url: process.env.DATABASE_URL || DEV_DATABASE_URL,
    applicationName: 'parcours-vae-admin',
  });
  const projectId = (): string => {
    const id = positionals[0];
    if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw Refusal.invalidField(
        'projectId',
        'missing_project',
        `Indiquez l’identifiant (UUID) du projet.\n\n${USAGE}`,
      );
    return id;
  };
  const admin = adminService(db);
  const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
  try {
    switch (command) {
      case 'create-operator':
        print(await admin.createOperator({ name: need('name'), email: need('email') }));
        return 0;
      case 'create-user':
        print(
          await admin.createUser({
            operatorId: need('operator'),
            role: need('role') as UserRole,
            displayName: need('name'),
            email: need('email'),
          }),
        );
        return 0;
      case 'list-users':
        print(await admin.listUsers());
        return 0;
      case 'create-token': {
        const user = await admin.findUser(need('user'));
        const created = await admin.createToken(user.id, values.label ?? 'CLI');
        print(created);
        console.error('Ce jeton ne sera plus jamais affiché : transmettez-le maintenant.');
        return 0;
      }
      case 'list-tokens': {
        const user = await admin.findUser(need('user'));
        print(await admin.listTokens(user.id));
        return 0;
      }
      case 'revoke-token':
        print(await admin.revokeToken(need('token')));
        return 0;
      case 'experiment-audit': {
        const report = await auditAllocations(db, projectId(), values.seed);
        for (const a of report.allocations) {
          const { allocation: x } = a;
          const block =
            x.blockIndex === null
              ? 'expérimentation arrêtée'
              : `bloc ${x.blockIndex} (taille ${x.blockSize})`;
          console.log(
            [
              a.matches ? 'OK   ' : 'ÉCART',
              x.stratum,
              `position ${x.position}`,
              `version ${x.version}`,
              block,
              x.arm,
              a.status === 'void' ? 'annulée' : '',
              a.candidacyArm ? `candidature au groupe ${a.candidacyArm}` : '',
              a.candidacyId,
            ]
              .filter(Boolean)
              .join('  '),
          );
        }
        print(report.summary);
        console.error(
          report.summary.ok
            ? `${report.summary.checked} allocation(s) vérifiée(s) : toutes conformes à la séquence de la graine.`
            : `${report.summary.mismatched} écart(s) sur ${report.summary.checked} allocation(s) vérifiée(s).`,
        );
        return report.summary.ok ? 0 : 1;
      }
      case 'experiment-seed': {
        const id = projectId();
        const exists = await db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst();
        if (!exists) throw Refusal.notFound('project_not_found', `Aucun projet ${id}.`);
        print({ projectId: id, allocationSeed: (await projectSecrets(db, id)).allocationSeed });
        console.error(
          'Cette graine permet de recalculer toute la séquence, passée et à venir : remettez-la au seul auditeur, jamais à qui inscrit des candidats. Tirages : HMAC-SHA-256 (src/domain/experiment/keyed-draws.ts).',
        );
        return 0;
      }
      default:
        console.error(USAGE);
        return command ? 2 : 0;
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Refusal ? `Erreur : ${err.message}` : err);
    process.exit(1);
  },
);
