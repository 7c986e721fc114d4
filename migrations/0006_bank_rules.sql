-- Links between modules' tables that the table definitions cannot express without a cycle.
ALTER TABLE "participations" ADD CONSTRAINT "participations_wish_fk" FOREIGN KEY ("wish_id") REFERENCES "wishes"("id");
--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_wish_fk" FOREIGN KEY ("wish_id") REFERENCES "wishes"("id");
--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_redemption_fk" FOREIGN KEY ("redemption_id") REFERENCES "redemptions"("id");
--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_reverses_fk" FOREIGN KEY ("reverses_id") REFERENCES "ledger_movements"("id");
--> statement-breakpoint
ALTER TABLE "activity_signups" ADD CONSTRAINT "activity_signups_movement_fk" FOREIGN KEY ("movement_id") REFERENCES "ledger_movements"("id");
--> statement-breakpoint
-- The bank's books: a movement and its entries are never changed; corrections are reversals.
CREATE TRIGGER "ledger_movements_append_only"
  BEFORE UPDATE OR DELETE ON "ledger_movements"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_append_only"
  BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "wish_transitions_append_only"
  BEFORE UPDATE OR DELETE ON "wish_transitions"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
-- The two system accounts on the other side of every credit: hours served, points issued.
INSERT INTO "bank_accounts" ("kind") VALUES ('SERVICE_SOURCE'), ('POINTS_ISSUED');
--> statement-breakpoint
-- The love bank opens at ten points per hour; the city publishes later rates with pointRatePublish.
INSERT INTO "point_rates" ("points_per_hour", "effective_from", "published_by") VALUES (10, '2020-01-01', 'migration');
