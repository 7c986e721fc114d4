CREATE TYPE "public"."community_list_kind" AS ENUM('NEED', 'RESOURCE', 'PROJECT');--> statement-breakpoint
CREATE TYPE "public"."party_member_kind" AS ENUM('RESIDENT', 'IN_SERVICE');--> statement-breakpoint
CREATE TYPE "public"."reporting_unit_kind" AS ENUM('PARTY_GOVERNMENT_ORGAN', 'PUBLIC_INSTITUTION', 'STATE_ENTERPRISE', 'PRIVATE_ENTERPRISE', 'SOCIAL_ORGANISATION');--> statement-breakpoint
CREATE TYPE "public"."activity_status" AS ENUM('OPEN', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."bank_account_kind" AS ENUM('VOLUNTEER', 'MERCHANT', 'SERVICE_SOURCE', 'POINTS_ISSUED');--> statement-breakpoint
CREATE TYPE "public"."ledger_asset" AS ENUM('HOURS', 'POINTS');--> statement-breakpoint
CREATE TYPE "public"."movement_kind" AS ENUM('ATTENDANCE', 'WISH', 'REDEMPTION', 'REVERSAL');--> statement-breakpoint
CREATE TYPE "public"."wish_action" AS ENUM('SUBMIT', 'PUBLISH', 'DECLINE', 'CLAIM', 'FULFIL', 'CONFIRM', 'DISPUTE');--> statement-breakpoint
CREATE TYPE "public"."wish_category" AS ENUM('DAILY_NEEDS', 'HEALTH', 'STUDY', 'COMPANIONSHIP', 'REPAIR', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."wish_claimant_kind" AS ENUM('PARTY_MEMBER', 'VOLUNTEER', 'UNIT');--> statement-breakpoint
CREATE TYPE "public"."wish_status" AS ENUM('SUBMITTED', 'PUBLISHED', 'DECLINED', 'CLAIMED', 'FULFILLED', 'CONFIRMED', 'DISPUTED');--> statement-breakpoint
CREATE TABLE "commitment_ratings" (
	"id" serial PRIMARY KEY NOT NULL,
	"commitment_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"kept" boolean NOT NULL,
	"comment" text,
	"rated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commitments" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"building_id" integer NOT NULL,
	"pledge" text NOT NULL,
	"hung_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_list_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"kind" "community_list_kind" NOT NULL,
	"title" text NOT NULL,
	"detail" text,
	"report_in_id" integer,
	"need_id" integer,
	"resource_id" integer,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "participations" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_in_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"project_id" integer,
	"wish_id" integer,
	"occurred_on" date NOT NULL,
	"hours" numeric(8, 2),
	"note" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"organisation_id" integer,
	"kind" "party_member_kind" NOT NULL,
	"resident_id" integer,
	"work_unit_id" integer,
	"name" text NOT NULL,
	"phone" text,
	"duty" text,
	"shows_identity" boolean DEFAULT false NOT NULL,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "party_members_kind_rule" CHECK (("party_members"."kind" = 'RESIDENT' and "party_members"."resident_id" is not null) or ("party_members"."kind" = 'IN_SERVICE' and "party_members"."work_unit_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "report_ins" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer,
	"member_id" integer,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"building_id" integer,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_ins_one_subject" CHECK (("report_ins"."unit_id" is null) <> ("report_ins"."member_id" is null))
);
--> statement-breakpoint
CREATE TABLE "reporting_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "reporting_unit_kind" NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_activities" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"title" text NOT NULL,
	"place" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"status" "activity_status" DEFAULT 'OPEN' NOT NULL,
	"organiser_subject" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_activities_capacity" CHECK ("volunteer_activities"."capacity" > 0),
	CONSTRAINT "volunteer_activities_time" CHECK ("volunteer_activities"."ends_at" > "volunteer_activities"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "activity_signups" (
	"id" serial PRIMARY KEY NOT NULL,
	"activity_id" integer NOT NULL,
	"volunteer_id" integer NOT NULL,
	"signed_up_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"attended_hours" numeric(8, 2),
	"attendance_confirmed_at" timestamp with time zone,
	"movement_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" "bank_account_kind" NOT NULL,
	"volunteer_id" integer,
	"merchant_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_accounts_owner" CHECK (("bank_accounts"."kind" = 'VOLUNTEER') = ("bank_accounts"."volunteer_id" is not null) and ("bank_accounts"."kind" = 'MERCHANT') = ("bank_accounts"."merchant_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"movement_id" integer NOT NULL,
	"account_id" integer NOT NULL,
	"asset" "ledger_asset" NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"occurred_on" date NOT NULL,
	CONSTRAINT "ledger_entries_nonzero" CHECK ("ledger_entries"."amount" <> 0),
	CONSTRAINT "ledger_entries_whole_points" CHECK ("ledger_entries"."asset" <> 'POINTS' or "ledger_entries"."amount" = trunc("ledger_entries"."amount"))
);
--> statement-breakpoint
CREATE TABLE "ledger_movements" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" "movement_kind" NOT NULL,
	"signup_id" integer,
	"wish_id" integer,
	"redemption_id" integer,
	"reverses_id" integer,
	"points_per_hour" integer,
	"note" text,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"occurred_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchant_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"merchant_id" integer NOT NULL,
	"name" text NOT NULL,
	"price_points" integer NOT NULL,
	"stock" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchant_items_price" CHECK ("merchant_items"."price_points" > 0),
	CONSTRAINT "merchant_items_stock" CHECK ("merchant_items"."stock" is null or "merchant_items"."stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"phone" text,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_rates" (
	"id" serial PRIMARY KEY NOT NULL,
	"points_per_hour" integer NOT NULL,
	"effective_from" date NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "point_rates_effective_from_unique" UNIQUE("effective_from"),
	CONSTRAINT "point_rates_positive" CHECK ("point_rates"."points_per_hour" > 0)
);
--> statement-breakpoint
CREATE TABLE "redemptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"volunteer_id" integer NOT NULL,
	"merchant_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"points" integer NOT NULL,
	"actor_subject" text NOT NULL,
	"redeemed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemptions_quantity" CHECK ("redemptions"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "team_memberships" (
	"team_id" integer NOT NULL,
	"volunteer_id" integer NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_memberships_team_id_volunteer_id_pk" PRIMARY KEY("team_id","volunteer_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"leader_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteers" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"resident_id" integer,
	"party_member_id" integer,
	"name" text NOT NULL,
	"phone" text,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wish_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"wish_id" integer NOT NULL,
	"action" "wish_action" NOT NULL,
	"from_status" "wish_status",
	"to_status" "wish_status" NOT NULL,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"note" text,
	"hours" numeric(6, 2),
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wishes" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"building_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"category" "wish_category" NOT NULL,
	"title" text NOT NULL,
	"detail" text NOT NULL,
	"submitter_subject" text NOT NULL,
	"submitter_role" text NOT NULL,
	"status" "wish_status" DEFAULT 'SUBMITTED' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"decline_reason" text,
	"claimant_kind" "wish_claimant_kind",
	"claimant_member_id" integer,
	"claimant_volunteer_id" integer,
	"claimant_unit_id" integer,
	"hours_spent" numeric(6, 2),
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"fulfilled_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wishes_one_claimant" CHECK (num_nonnulls("wishes"."claimant_member_id", "wishes"."claimant_volunteer_id", "wishes"."claimant_unit_id") = case when "wishes"."claimant_kind" is null then 0 else 1 end),
	CONSTRAINT "wishes_claimed_states" CHECK (("wishes"."claimant_kind" is null) = ("wishes"."status" in ('SUBMITTED', 'PUBLISHED', 'DECLINED')))
);
--> statement-breakpoint
ALTER TABLE "commitment_ratings" ADD CONSTRAINT "commitment_ratings_commitment_id_commitments_id_fk" FOREIGN KEY ("commitment_id") REFERENCES "public"."commitments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitment_ratings" ADD CONSTRAINT "commitment_ratings_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_member_id_party_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_list_items" ADD CONSTRAINT "community_list_items_report_in_id_report_ins_id_fk" FOREIGN KEY ("report_in_id") REFERENCES "public"."report_ins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_list_items" ADD CONSTRAINT "community_list_items_need_id_community_list_items_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."community_list_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_list_items" ADD CONSTRAINT "community_list_items_resource_id_community_list_items_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."community_list_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_report_in_id_report_ins_id_fk" FOREIGN KEY ("report_in_id") REFERENCES "public"."report_ins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_project_id_community_list_items_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."community_list_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_organisation_id_party_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_work_unit_id_reporting_units_id_fk" FOREIGN KEY ("work_unit_id") REFERENCES "public"."reporting_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_ins" ADD CONSTRAINT "report_ins_unit_id_reporting_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."reporting_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_ins" ADD CONSTRAINT "report_ins_member_id_party_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_ins" ADD CONSTRAINT "report_ins_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_ins" ADD CONSTRAINT "report_ins_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_activities" ADD CONSTRAINT "volunteer_activities_team_id_volunteer_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."volunteer_teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_activities" ADD CONSTRAINT "volunteer_activities_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_signups" ADD CONSTRAINT "activity_signups_activity_id_volunteer_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."volunteer_activities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_signups" ADD CONSTRAINT "activity_signups_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_movement_id_ledger_movements_id_fk" FOREIGN KEY ("movement_id") REFERENCES "public"."ledger_movements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_bank_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_signup_id_activity_signups_id_fk" FOREIGN KEY ("signup_id") REFERENCES "public"."activity_signups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_items" ADD CONSTRAINT "merchant_items_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_item_id_merchant_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."merchant_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_team_id_volunteer_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."volunteer_teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_teams" ADD CONSTRAINT "volunteer_teams_leader_id_volunteers_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteers" ADD CONSTRAINT "volunteers_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteers" ADD CONSTRAINT "volunteers_party_member_id_party_members_id_fk" FOREIGN KEY ("party_member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wish_transitions" ADD CONSTRAINT "wish_transitions_wish_id_wishes_id_fk" FOREIGN KEY ("wish_id") REFERENCES "public"."wishes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_claimant_member_id_party_members_id_fk" FOREIGN KEY ("claimant_member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_claimant_volunteer_id_volunteers_id_fk" FOREIGN KEY ("claimant_volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wishes" ADD CONSTRAINT "wishes_claimant_unit_id_reporting_units_id_fk" FOREIGN KEY ("claimant_unit_id") REFERENCES "public"."reporting_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commitment_ratings_once" ON "commitment_ratings" USING btree ("commitment_id","household_id");--> statement-breakpoint
CREATE INDEX "commitments_member_idx" ON "commitments" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "commitments_building_idx" ON "commitments" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "commitments_community_idx" ON "commitments" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "community_list_items_community_idx" ON "community_list_items" USING btree ("community_id","kind");--> statement-breakpoint
CREATE INDEX "participations_report_in_idx" ON "participations" USING btree ("report_in_id");--> statement-breakpoint
CREATE INDEX "participations_community_idx" ON "participations" USING btree ("community_id","occurred_on");--> statement-breakpoint
CREATE UNIQUE INDEX "participations_wish_once" ON "participations" USING btree ("wish_id");--> statement-breakpoint
CREATE UNIQUE INDEX "party_members_resident_key" ON "party_members" USING btree ("resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "party_members_subject_key" ON "party_members" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "party_members_grid_idx" ON "party_members" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "party_members_community_idx" ON "party_members" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "party_members_organisation_idx" ON "party_members" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_ins_unit_once" ON "report_ins" USING btree ("unit_id","community_id") WHERE "report_ins"."withdrawn_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "report_ins_member_once" ON "report_ins" USING btree ("member_id") WHERE "report_ins"."withdrawn_at" is null;--> statement-breakpoint
CREATE INDEX "report_ins_community_idx" ON "report_ins" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "report_ins_street_idx" ON "report_ins" USING btree ("street_id");--> statement-breakpoint
CREATE INDEX "volunteer_activities_team_idx" ON "volunteer_activities" USING btree ("team_id","starts_at");--> statement-breakpoint
CREATE INDEX "volunteer_activities_community_idx" ON "volunteer_activities" USING btree ("community_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "activity_signups_once" ON "activity_signups" USING btree ("activity_id","volunteer_id");--> statement-breakpoint
CREATE INDEX "activity_signups_volunteer_idx" ON "activity_signups" USING btree ("volunteer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_accounts_volunteer_key" ON "bank_accounts" USING btree ("volunteer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_accounts_merchant_key" ON "bank_accounts" USING btree ("merchant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_accounts_system_key" ON "bank_accounts" USING btree ("kind") WHERE "bank_accounts"."kind" in ('SERVICE_SOURCE', 'POINTS_ISSUED');--> statement-breakpoint
CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries" USING btree ("account_id","asset","id");--> statement-breakpoint
CREATE INDEX "ledger_entries_movement_idx" ON "ledger_entries" USING btree ("movement_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_occurred_idx" ON "ledger_entries" USING btree ("occurred_on","asset");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_movements_reverses_once" ON "ledger_movements" USING btree ("reverses_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_movements_wish_once" ON "ledger_movements" USING btree ("wish_id") WHERE "ledger_movements"."kind" = 'WISH';--> statement-breakpoint
CREATE INDEX "ledger_movements_signup_idx" ON "ledger_movements" USING btree ("signup_id");--> statement-breakpoint
CREATE INDEX "merchant_items_merchant_idx" ON "merchant_items" USING btree ("merchant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "merchants_subject_key" ON "merchants" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "merchants_street_idx" ON "merchants" USING btree ("street_id");--> statement-breakpoint
CREATE INDEX "redemptions_volunteer_idx" ON "redemptions" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "redemptions_merchant_idx" ON "redemptions" USING btree ("merchant_id","redeemed_at");--> statement-breakpoint
CREATE INDEX "team_memberships_volunteer_idx" ON "team_memberships" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "volunteer_teams_community_idx" ON "volunteer_teams" USING btree ("community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_resident_key" ON "volunteers" USING btree ("resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_party_member_key" ON "volunteers" USING btree ("party_member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_subject_key" ON "volunteers" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "volunteers_community_idx" ON "volunteers" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "wish_transitions_wish_idx" ON "wish_transitions" USING btree ("wish_id","id");--> statement-breakpoint
CREATE INDEX "wishes_community_status_idx" ON "wishes" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "wishes_grid_status_idx" ON "wishes" USING btree ("grid_id","status");--> statement-breakpoint
CREATE INDEX "wishes_household_idx" ON "wishes" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "wishes_claimant_member_idx" ON "wishes" USING btree ("claimant_member_id");--> statement-breakpoint
CREATE INDEX "wishes_claimant_volunteer_idx" ON "wishes" USING btree ("claimant_volunteer_id");