CREATE TYPE "public"."visit_kind" AS ENUM('ROUTINE', 'SPECIAL_CARE', 'DATA_REFRESH', 'DISPUTE_FOLLOW_UP');--> statement-breakpoint
CREATE TYPE "public"."import_outcome" AS ENUM('DRY_RUN', 'IMPORTED', 'REFUSED');--> statement-breakpoint
CREATE TABLE "rule_settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_visits" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"staff_member_id" integer,
	"visitor_subject" text NOT NULL,
	"kind" "visit_kind" NOT NULL,
	"visited_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_findings" (
	"id" serial PRIMARY KEY NOT NULL,
	"visit_id" integer NOT NULL,
	"category" "incident_category" NOT NULL,
	"description" text NOT NULL,
	"incident_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_peer_reviews" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" smallint NOT NULL,
	"community_id" integer NOT NULL,
	"reviewer_community_id" integer NOT NULL,
	"score" numeric(5, 2) NOT NULL,
	"reviewer_subject" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_peer_reviews_not_self" CHECK ("community_peer_reviews"."community_id" <> "community_peer_reviews"."reviewer_community_id"),
	CONSTRAINT "community_peer_reviews_score" CHECK ("community_peer_reviews"."score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "community_star_ratings" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" smallint NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer,
	"community_id" integer NOT NULL,
	"performance" numeric(6, 2) NOT NULL,
	"resident_rating" numeric(6, 2) NOT NULL,
	"peer_review" numeric(6, 2) NOT NULL,
	"score" numeric(6, 2) NOT NULL,
	"rank" integer NOT NULL,
	"stars" smallint NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_star_ratings_stars" CHECK ("community_star_ratings"."stars" in (0, 3, 4, 5))
);
--> statement-breakpoint
CREATE TABLE "daily_point_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff_member_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"day" date NOT NULL,
	"rule" text NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"points" numeric(8, 2) NOT NULL,
	"note" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_point_entries_quantity" CHECK ("daily_point_entries"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "worker_ratings" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff_member_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"period" text NOT NULL,
	"score" smallint NOT NULL,
	"comment" text,
	"rated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worker_ratings_score" CHECK ("worker_ratings"."score" between 1 and 5),
	CONSTRAINT "worker_ratings_period" CHECK ("worker_ratings"."period" ~ '^[0-9]{4}-Q[1-4]$')
);
--> statement-breakpoint
CREATE TABLE "ledger_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"outcome" "import_outcome" NOT NULL,
	"rows" integer NOT NULL,
	"households_created" integer DEFAULT 0 NOT NULL,
	"residents_created" integer DEFAULT 0 NOT NULL,
	"problems" jsonb NOT NULL,
	"importer_subject" text NOT NULL,
	"importer_role" text NOT NULL,
	"unit_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "household_visits" ADD CONSTRAINT "household_visits_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_visits" ADD CONSTRAINT "household_visits_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_visits" ADD CONSTRAINT "household_visits_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_findings" ADD CONSTRAINT "visit_findings_visit_id_household_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."household_visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_findings" ADD CONSTRAINT "visit_findings_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_peer_reviews" ADD CONSTRAINT "community_peer_reviews_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_peer_reviews" ADD CONSTRAINT "community_peer_reviews_reviewer_community_id_communities_id_fk" FOREIGN KEY ("reviewer_community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_star_ratings" ADD CONSTRAINT "community_star_ratings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_point_entries" ADD CONSTRAINT "daily_point_entries_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worker_ratings" ADD CONSTRAINT "worker_ratings_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worker_ratings" ADD CONSTRAINT "worker_ratings_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "household_visits_household_idx" ON "household_visits" USING btree ("household_id","visited_at");--> statement-breakpoint
CREATE INDEX "household_visits_staff_idx" ON "household_visits" USING btree ("staff_member_id","visited_at");--> statement-breakpoint
CREATE INDEX "household_visits_grid_idx" ON "household_visits" USING btree ("grid_id","visited_at");--> statement-breakpoint
CREATE INDEX "household_visits_community_idx" ON "household_visits" USING btree ("community_id","visited_at");--> statement-breakpoint
CREATE INDEX "visit_findings_visit_idx" ON "visit_findings" USING btree ("visit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_findings_incident_key" ON "visit_findings" USING btree ("incident_id") WHERE "visit_findings"."incident_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "community_peer_reviews_once" ON "community_peer_reviews" USING btree ("year","community_id","reviewer_community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "community_star_ratings_once" ON "community_star_ratings" USING btree ("year","community_id");--> statement-breakpoint
CREATE INDEX "community_star_ratings_street_idx" ON "community_star_ratings" USING btree ("street_id","year");--> statement-breakpoint
CREATE INDEX "daily_point_entries_staff_idx" ON "daily_point_entries" USING btree ("staff_member_id","day");--> statement-breakpoint
CREATE INDEX "daily_point_entries_community_idx" ON "daily_point_entries" USING btree ("community_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "worker_ratings_once" ON "worker_ratings" USING btree ("staff_member_id","household_id","period");--> statement-breakpoint
CREATE INDEX "worker_ratings_community_idx" ON "worker_ratings" USING btree ("community_id","period");