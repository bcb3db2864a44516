import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** A certification of the RNCP catalogue, with its skill blocks (DOMAIN.md: a certification is split into blocks). */
export interface Certification {
  rncpCode: string;
  title: string;
  certifierOperatorId: string;
  certifierOperatorName: string;
  silenceRule: 'admissible' | 'rejected';
  blocks: { code: string; title: string }[];
  createdAt: string;
}

/** Certifications with their blocks, by code (all of them when `codes` is undefined). */
export async function listCertifications(db: Kysely<Database>, codes?: string[]): Promise<Certification[]> {
  if (codes && codes.length === 0) return [];
  let q = db
    .selectFrom('certifications as c')
    .innerJoin('operators as o', 'o.id', 'c.certifier_operator_id')
    .select([
      'c.rncp_code',
      'c.title',
      'c.certifier_operator_id',
      'o.name as operator_name',
      'c.silence_rule',
      'c.created_at',
    ])
    .orderBy('c.rncp_code');
  let b = db.selectFrom('skill_blocks').select(['rncp_code', 'block_code', 'title']).orderBy('block_code');
  if (codes) {
    q = q.where('c.rncp_code', 'in', codes);
    b = b.where('rncp_code', 'in', codes);
  }
  const [rows, blocks] = await Promise.all([q.execute(), b.execute()]);
  return rows.map((c) => ({
    rncpCode: c.rncp_code,
    title: c.title,
    certifierOperatorId: c.certifier_operator_id,
    certifierOperatorName: c.operator_name,
    silenceRule: c.silence_rule as 'admissible' | 'rejected',
    blocks: blocks
      .filter((x) => x.rncp_code === c.rncp_code)
      .map((x) => ({ code: x.block_code, title: x.title })),
    createdAt: c.created_at.toISOString(),
  }));
}
