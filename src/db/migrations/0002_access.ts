import { sql, type Kysely } from 'kysely';

/**
 * Access and hand-offs: which operators hold (or held) a role on each candidacy, the
 * operators currently in each role (read model), and every hand-off between operators.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('candidacies')
    .addColumn('advice_operator_id', 'uuid', (c) => c.references('operators.id'))
    .addColumn('certifier_operator_id', 'uuid', (c) => c.references('operators.id'))
    .addColumn('coach_operator_id', 'uuid', (c) => c.references('operators.id'))
    .addColumn('transfer_to_operator_id', 'uuid', (c) => c.references('operators.id'))
    .execute();
  await db.schema
    .createIndex('candidacies_waiting_idx')
    .on('candidacies')
    .columns(['waiting_on', 'next_deadline'])
    .execute();

  await db.schema
    .createTable('candidacy_operators')
    .addColumn('candidacy_id', 'uuid', (c) => c.notNull().references('candidacies.id').onDelete('cascade'))
    .addColumn('operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('since', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('candidacy_operators_pk', ['candidacy_id', 'operator_id', 'role'])
    .execute();
  await db.schema
    .createIndex('candidacy_operators_operator_idx')
    .on('candidacy_operators')
    .columns(['operator_id', 'candidacy_id'])
    .execute();

  await db.schema
    .createTable('handoffs')
    .addColumn('candidacy_id', 'uuid', (c) => c.notNull().references('candidacies.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('phase', 'transfer')`))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('from_operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('to_operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'accepted', 'escalated')`),
    )
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addPrimaryKeyConstraint('handoffs_pk', ['candidacy_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('handoffs').ifExists().execute();
  await db.schema.dropTable('candidacy_operators').ifExists().execute();
  await db.schema.dropIndex('candidacies_waiting_idx').ifExists().execute();
  await db.schema
    .alterTable('candidacies')
    .dropColumn('advice_operator_id')
    .dropColumn('certifier_operator_id')
    .dropColumn('coach_operator_id')
    .dropColumn('transfer_to_operator_id')
    .execute();
}
