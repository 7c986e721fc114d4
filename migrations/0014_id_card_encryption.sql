-- ID card numbers at rest (PIPL art. 51), step 1 of 2: the sealed columns beside the plaintext one.
-- The application seals every existing number right after this migration, in the same transaction
-- (src/db/migrate.ts, AFTER_MIGRATION): the key is in its environment, not in SQL. The next
-- migration then drops the plaintext column.
ALTER TABLE "residents" ADD COLUMN "id_card_encrypted" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "id_card_hash" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "id_card_masked" text;
