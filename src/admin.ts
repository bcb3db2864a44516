import { parseArgs } from 'node:util';
import { adminService } from './app/admin/admin-service.js';
import { Refusal } from './app/refusal.js';
import { createDb } from './db/connection.js';
import { USER_ROLES, type UserRole } from './domain/roles.js';

/**
 * `npm run admin -- <command> [options]`: operators, users and API tokens, against
 * DATABASE_URL (by default the embedded database of a running `npm run dev`).
 */
const USAGE = `Usage: npm run admin -- <command> [options]

  create-operator --name <name> --email <shared mailbox>
  create-user     --operator <operator id> --role <${USER_ROLES.join('|')}> --name <display name> --email <e-mail>
  list-users
  create-token    --user <user id or e-mail> [--label <label>]     prints the token once
  list-tokens     --user <user id or e-mail>
  revoke-token    --token <token id>                                 takes effect at once

DATABASE_URL defaults to the embedded database of npm run dev (127.0.0.1:55432).`;

const DEV_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:55432/parcours_vae';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      operator: { type: 'string' },
      role: { type: 'string' },
      user: { type: 'string' },
      label: { type: 'string' },
      token: { type: 'string' },
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
