-- ID card numbers at rest (PIPL art. 51), step 2 of 2: every number is sealed (SET NOT NULL refuses
-- otherwise, and the whole migration with it); uniqueness moves to the keyed hash, so a duplicate's
-- DETAIL names only the hash, and the plaintext column goes.
DROP INDEX "residents_id_card_key";--> statement-breakpoint
ALTER TABLE "residents" ALTER COLUMN "id_card_encrypted" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "residents" ALTER COLUMN "id_card_hash" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "residents" ALTER COLUMN "id_card_masked" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "residents_id_card_hash_key" ON "residents" USING btree ("id_card_hash");--> statement-breakpoint
ALTER TABLE "residents" DROP COLUMN "id_card_number";