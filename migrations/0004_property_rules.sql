-- Links between modules' tables that the table definitions cannot express without a cycle.
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_compound_id_fk" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id");
--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_compound_id_fk" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id");
--> statement-breakpoint
ALTER TABLE "owners_committees" ADD CONSTRAINT "owners_committees_vote_fk" FOREIGN KEY ("elected_in_vote_id") REFERENCES "owner_votes"("id");
--> statement-breakpoint
ALTER TABLE "annual_plans" ADD CONSTRAINT "annual_plans_vote_fk" FOREIGN KEY ("passed_in_vote_id") REFERENCES "owner_votes"("id");
--> statement-breakpoint
-- A published disclosure is a public record; corrections are new versions.
CREATE TRIGGER "disclosures_append_only"
  BEFORE UPDATE OR DELETE ON "disclosures"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "major_matter_transitions_append_only"
  BEFORE UPDATE OR DELETE ON "major_matter_transitions"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
-- Remuneration rule: exactly the field its kind needs.
ALTER TABLE "property_contracts" ADD CONSTRAINT "property_contracts_rule" CHECK (
  ("remuneration_kind" = 'PERCENTAGE_OF_INCOME' AND "remuneration_basis_points" BETWEEN 0 AND 10000 AND "remuneration_monthly_fen" IS NULL)
  OR ("remuneration_kind" = 'FIXED_MONTHLY' AND "remuneration_monthly_fen" >= 0 AND "remuneration_basis_points" IS NULL)
);
--> statement-breakpoint
ALTER TABLE "ledger_months" ADD CONSTRAINT "ledger_months_balance" CHECK (
  "closing_balance_fen" = "opening_balance_fen" + "income_fen" - "remuneration_fen" - "expenses_fen"
);
