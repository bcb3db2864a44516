import { sql, type Expression, type RawBuilder } from 'kysely';

/**
 * The same person across candidacies, the one definition of it. Creation makes a new candidate row
 * for each candidacy (a follow-up reuses its parent's), so a person is known by their e-mail
 * address, compared without case: `lower(email)`. The yearly limit (R. 6412-3) counts a person's
 * requests under this key (`admissibility_requests.candidate_key`, src/app/candidacies/prepare-action.ts
 * and the journal activity), and a person's acquired blocks are those of every candidate row with
 * this key (src/app/candidacies/acquired-blocks.ts). Migration 0012 indexes `lower(email)` of
 * `candidates`; computed in SQL, so that the key and the index always agree.
 */
export function personKey(email: Expression<string>): RawBuilder<string> {
  return sql<string>`lower(${email})`;
}

/** Who a person is: one of their candidate rows, or the e-mail of a candidacy being created. */
export type Person = { candidateId: string } | { email: string };

/** The person's key, as SQL. */
export function personKeyOf(person: Person): RawBuilder<string> {
  return 'email' in person
    ? personKey(sql.val(person.email))
    : sql<string>`(select ${personKey(sql.ref('email'))} from candidates where id = ${person.candidateId})`;
}
