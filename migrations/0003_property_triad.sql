CREATE TYPE "public"."party_organisation_kind" AS ENUM('COMMUNITY_COMMITTEE', 'GENERAL_BRANCH', 'GRID_BRANCH', 'BUILDING_GROUP');--> statement-breakpoint
CREATE TYPE "public"."ballot_choice" AS ENUM('FOR', 'AGAINST', 'ABSTAIN');--> statement-breakpoint
CREATE TYPE "public"."committee_role" AS ENUM('CHAIR', 'VICE_CHAIR', 'MEMBER');--> statement-breakpoint
CREATE TYPE "public"."expense_category" AS ENUM('CLEANING', 'SECURITY', 'GREENING', 'REPAIRS', 'UTILITIES', 'ELEVATORS', 'FIRE_SAFETY', 'STAFF', 'OFFICE', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."income_category" AS ENUM('PROPERTY_FEE', 'PARKING', 'ADVERTISING', 'VENUE_RENTAL', 'OTHER_INCOME');--> statement-breakpoint
CREATE TYPE "public"."ledger_line_kind" AS ENUM('INCOME', 'EXPENSE');--> statement-breakpoint
CREATE TYPE "public"."ledger_month_status" AS ENUM('DRAFT', 'PUBLISHED');--> statement-breakpoint
CREATE TYPE "public"."major_matter_action" AS ENUM('PROPOSE', 'REVIEW', 'APPROVE', 'OPEN_VOTE', 'EXECUTE', 'REJECT');--> statement-breakpoint
CREATE TYPE "public"."major_matter_kind" AS ENUM('COMMITTEE_REELECTION', 'COMPANY_HIRE', 'COMPANY_DISMISS', 'MAINTENANCE_FUND_USE');--> statement-breakpoint
CREATE TYPE "public"."major_matter_status" AS ENUM('PROPOSED', 'REVIEWED', 'APPROVED', 'VOTING', 'EXECUTED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "public"."matter_kind" AS ENUM('ORDINARY', 'MAINTENANCE_FUND_USE', 'MAINTENANCE_FUND_RAISE_OR_REPURPOSE', 'REBUILDING', 'COMMITTEE_ELECTION', 'COMPANY_HIRE_OR_DISMISS');--> statement-breakpoint
CREATE TYPE "public"."remuneration_kind" AS ENUM('PERCENTAGE_OF_INCOME', 'FIXED_MONTHLY');--> statement-breakpoint
CREATE TYPE "public"."vote_outcome" AS ENUM('PASSED', 'FAILED', 'NO_QUORUM');--> statement-breakpoint
CREATE TYPE "public"."vote_status" AS ENUM('OPEN', 'CLOSED');--> statement-breakpoint
CREATE TABLE "party_organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"building_id" integer,
	"parent_id" integer,
	"kind" "party_organisation_kind" NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "annual_plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"passed_in_vote_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ballots" (
	"vote_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"choice" "ballot_choice",
	"candidate_ids" integer[] DEFAULT '{}' NOT NULL,
	"area" numeric(10, 2) NOT NULL,
	"cast_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ballots_vote_id_household_id_pk" PRIMARY KEY("vote_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "committee_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"committee_id" integer NOT NULL,
	"resident_id" integer NOT NULL,
	"role" "committee_role" NOT NULL,
	"party_member" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compounds" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"party_organisation_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosures" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"month" date NOT NULL,
	"version" smallint NOT NULL,
	"correction_reason" text,
	"content" jsonb NOT NULL,
	"content_hash" char(64) NOT NULL,
	"previous_hash" char(64),
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_lines" (
	"id" serial PRIMARY KEY NOT NULL,
	"ledger_month_id" integer NOT NULL,
	"kind" "ledger_line_kind" NOT NULL,
	"income_category" "income_category",
	"expense_category" "expense_category",
	"plan_item_id" integer,
	"description" text NOT NULL,
	"amount_fen" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_months" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"month" date NOT NULL,
	"contract_id" integer NOT NULL,
	"opening_balance_fen" bigint NOT NULL,
	"income_fen" bigint NOT NULL,
	"remuneration_fen" bigint NOT NULL,
	"expenses_fen" bigint NOT NULL,
	"closing_balance_fen" bigint NOT NULL,
	"status" "ledger_month_status" DEFAULT 'DRAFT' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "major_matter_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"matter_id" integer NOT NULL,
	"action" "major_matter_action" NOT NULL,
	"from_status" "major_matter_status",
	"to_status" "major_matter_status" NOT NULL,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "major_matters" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"kind" "major_matter_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"status" "major_matter_status" DEFAULT 'PROPOSED' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"vote_id" integer,
	"proposed_by" text NOT NULL,
	"rejection_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "owner_votes" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"kind" "matter_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"status" "vote_status" DEFAULT 'OPEN' NOT NULL,
	"eligible_area" numeric(14, 2) NOT NULL,
	"eligible_owners" integer NOT NULL,
	"seats" smallint,
	"outcome" "vote_outcome",
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "owners_committees" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"term_starts_on" date NOT NULL,
	"term_ends_on" date NOT NULL,
	"elected_in_vote_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"category" "expense_category" NOT NULL,
	"title" text NOT NULL,
	"budget_fen" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "property_companies" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"credit_code" char(18) NOT NULL,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "property_companies_credit_code_unique" UNIQUE("credit_code")
);
--> statement-breakpoint
CREATE TABLE "property_contracts" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"company_id" integer NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"remuneration_kind" "remuneration_kind" NOT NULL,
	"remuneration_basis_points" integer,
	"remuneration_monthly_fen" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resident_scores" (
	"appraisal_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"score" smallint NOT NULL,
	"given_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resident_scores_appraisal_id_household_id_pk" PRIMARY KEY("appraisal_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "service_appraisals" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"contract_id" integer NOT NULL,
	"quarter" date NOT NULL,
	"committee_score" numeric(5, 2),
	"branch_score" numeric(5, 2),
	"committee_weight" smallint DEFAULT 40 NOT NULL,
	"resident_weight" smallint DEFAULT 40 NOT NULL,
	"branch_weight" smallint DEFAULT 20 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_candidates" (
	"id" serial PRIMARY KEY NOT NULL,
	"vote_id" integer NOT NULL,
	"resident_id" integer NOT NULL,
	"party_member" boolean NOT NULL,
	"statement" text
);
--> statement-breakpoint
ALTER TABLE "buildings" ADD COLUMN "compound_id" integer;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "compound_id" integer;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_parent_id_party_organisations_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annual_plans" ADD CONSTRAINT "annual_plans_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_vote_id_owner_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."owner_votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "committee_members" ADD CONSTRAINT "committee_members_committee_id_owners_committees_id_fk" FOREIGN KEY ("committee_id") REFERENCES "public"."owners_committees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "committee_members" ADD CONSTRAINT "committee_members_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compounds" ADD CONSTRAINT "compounds_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compounds" ADD CONSTRAINT "compounds_party_organisation_id_party_organisations_id_fk" FOREIGN KEY ("party_organisation_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_ledger_month_id_ledger_months_id_fk" FOREIGN KEY ("ledger_month_id") REFERENCES "public"."ledger_months"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_plan_item_id_plan_items_id_fk" FOREIGN KEY ("plan_item_id") REFERENCES "public"."plan_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_months" ADD CONSTRAINT "ledger_months_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_months" ADD CONSTRAINT "ledger_months_contract_id_property_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."property_contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matter_transitions" ADD CONSTRAINT "major_matter_transitions_matter_id_major_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."major_matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_vote_id_owner_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."owner_votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_votes" ADD CONSTRAINT "owner_votes_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_committees" ADD CONSTRAINT "owners_committees_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_items" ADD CONSTRAINT "plan_items_plan_id_annual_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."annual_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_contracts" ADD CONSTRAINT "property_contracts_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_contracts" ADD CONSTRAINT "property_contracts_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_scores" ADD CONSTRAINT "resident_scores_appraisal_id_service_appraisals_id_fk" FOREIGN KEY ("appraisal_id") REFERENCES "public"."service_appraisals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_scores" ADD CONSTRAINT "resident_scores_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_appraisals" ADD CONSTRAINT "service_appraisals_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_appraisals" ADD CONSTRAINT "service_appraisals_contract_id_property_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."property_contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_candidates" ADD CONSTRAINT "vote_candidates_vote_id_owner_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."owner_votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_candidates" ADD CONSTRAINT "vote_candidates_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "annual_plans_once" ON "annual_plans" USING btree ("compound_id","year");--> statement-breakpoint
CREATE UNIQUE INDEX "committee_members_once" ON "committee_members" USING btree ("committee_id","resident_id");--> statement-breakpoint
CREATE INDEX "compounds_community_idx" ON "compounds" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "compounds_grid_idx" ON "compounds" USING btree ("grid_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disclosures_version_once" ON "disclosures" USING btree ("compound_id","month","version");--> statement-breakpoint
CREATE INDEX "disclosures_chain_idx" ON "disclosures" USING btree ("compound_id","id");--> statement-breakpoint
CREATE INDEX "ledger_lines_month_idx" ON "ledger_lines" USING btree ("ledger_month_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_months_once" ON "ledger_months" USING btree ("compound_id","month");--> statement-breakpoint
CREATE INDEX "major_matter_transitions_matter_idx" ON "major_matter_transitions" USING btree ("matter_id","id");--> statement-breakpoint
CREATE INDEX "major_matters_compound_idx" ON "major_matters" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "owner_votes_compound_idx" ON "owner_votes" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "owners_committees_compound_idx" ON "owners_committees" USING btree ("compound_id","term_starts_on");--> statement-breakpoint
CREATE INDEX "property_contracts_compound_idx" ON "property_contracts" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "property_contracts_company_idx" ON "property_contracts" USING btree ("company_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_appraisals_once" ON "service_appraisals" USING btree ("compound_id","quarter");--> statement-breakpoint
CREATE UNIQUE INDEX "vote_candidates_once" ON "vote_candidates" USING btree ("vote_id","resident_id");--> statement-breakpoint
CREATE INDEX "buildings_compound_idx" ON "buildings" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "households_compound_idx" ON "households" USING btree ("compound_id");