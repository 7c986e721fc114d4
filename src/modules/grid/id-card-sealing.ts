import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../db/client';
import type { PersonalDataKey } from '../audit/personal-data-key';
import { storedIdCard } from './identity';

/**
 * Refuses a key that does not open the numbers already stored: with another key, searches and
 * duplicate checks would silently miss every registered person, and reveals would fail.
 */
export async function assertPersonalDataKeyOpens(db: Queryable, personalDataKey: PersonalDataKey): Promise<void> {
  const [sample] = await rowsOf<{ sealed: string }>(db, sql`select id_card_encrypted as sealed from residents order by id limit 1`);
  if (!sample) return;
  try {
    personalDataKey.open(sample.sealed);
  } catch {
    throw new Error('PERSONAL_DATA_KEY does not open the ID card numbers in this database: it is not the key they were sealed with');
  }
}

/** Residents per read and per UPDATE: memory stays flat however many residents a city has. */
const BATCH = 5_000;

/**
 * Seals the ID card numbers that residents rows still hold in the clear, from before the
 * numbers were encrypted. Runs between the migration that adds the sealed columns and the one
 * that drops the plaintext column, inside the migration transaction (src/db/migrate.ts): the
 * key lives in the environment, not in SQL. Raw SQL, since the table's current definition no
 * longer has the plaintext column.
 */
export async function sealPlaintextIdCards(db: Queryable, personalDataKey: PersonalDataKey): Promise<number> {
  let after = 0;
  let sealed = 0;
  for (;;) {
    const rows = await rowsOf<{ id: number; number: string }>(db, sql`
      select id, id_card_number as number from residents
      where id > ${after} and id_card_number is not null and id_card_hash is null order by id limit ${BATCH}`);
    if (rows.length === 0) return sealed;
    const values = rows.map((row) => {
      const idCard = storedIdCard(personalDataKey, row.number);
      return { id: row.id, encrypted: idCard.idCardEncrypted, hash: idCard.idCardHash, masked: idCard.idCardMasked };
    });
    await db.execute(sql`
      update residents r set id_card_encrypted = v.encrypted, id_card_hash = v.hash, id_card_masked = v.masked
      from json_to_recordset(${JSON.stringify(values)}::json) as v(id int, encrypted text, hash text, masked text)
      where r.id = v.id`);
    after = rows[rows.length - 1].id;
    sealed += rows.length;
  }
}
