CREATE TYPE "public"."incident_action" AS ENUM('REPORT', 'ACCEPT', 'EXPLAIN', 'DISPATCH', 'START', 'ESCALATE', 'FEEDBACK', 'CLOSE', 'REOPEN');--> statement-breakpoint
CREATE TYPE "public"."incident_category" AS ENUM('FAMILY_CONFLICT', 'NEIGHBOUR_DISPUTE', 'COMPOUND_GOVERNANCE', 'ENVIRONMENT', 'SAFETY_HAZARD', 'PUBLIC_ORDER', 'PETITION', 'HELP_REQUEST');--> statement-breakpoint
CREATE TYPE "public"."incident_priority" AS ENUM('LOW', 'NORMAL', 'HIGH', 'URGENT');--> statement-breakpoint
CREATE TYPE "public"."incident_status" AS ENUM('REPORTED', 'ACCEPTED', 'EXPLAINED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED', 'HANDLED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "public"."incident_triage" AS ENUM('SOLVE_AT_ONCE', 'STUDY_AND_ASSIGN', 'ANSWER_AND_EXPLAIN');--> statement-breakpoint
CREATE TYPE "public"."responsibility_kind" AS ENUM('LEAD', 'COOPERATING');--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"scope" jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_horizon" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"pruned_through" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"subject" text NOT NULL,
	"operation" text NOT NULL,
	"key" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_subject_operation_key_pk" PRIMARY KEY("subject","operation","key")
);
--> statement-breakpoint
CREATE TABLE "category_settings" (
	"category" "incident_category" PRIMARY KEY NOT NULL,
	"time_limit_hours" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "departments_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "incident_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" integer NOT NULL,
	"action" "incident_action" NOT NULL,
	"from_status" "incident_status",
	"to_status" "incident_status" NOT NULL,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"note" text,
	"department_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"street_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"household_id" integer,
	"category" "incident_category" NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"photo_urls" text[] DEFAULT '{}' NOT NULL,
	"longitude" double precision,
	"latitude" double precision,
	"reporter_subject" text NOT NULL,
	"reporter_role" text NOT NULL,
	"priority" "incident_priority" DEFAULT 'NORMAL' NOT NULL,
	"triage" "incident_triage",
	"status" "incident_status" DEFAULT 'REPORTED' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"department_id" integer,
	"cooperating_department_ids" integer[] DEFAULT '{}' NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handled_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"satisfaction" smallint,
	"joint_meeting_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responsibilities" (
	"category" "incident_category" NOT NULL,
	"department_id" integer NOT NULL,
	"kind" "responsibility_kind" NOT NULL,
	CONSTRAINT "responsibilities_category_department_id_pk" PRIMARY KEY("category","department_id")
);
--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_transitions" ADD CONSTRAINT "incident_transitions_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_transitions" ADD CONSTRAINT "incident_transitions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibilities" ADD CONSTRAINT "responsibilities_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_topic_id_idx" ON "outbox" USING btree ("topic","id");--> statement-breakpoint
CREATE INDEX "outbox_created_at_idx" ON "outbox" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "incident_transitions_incident_idx" ON "incident_transitions" USING btree ("incident_id","id");--> statement-breakpoint
CREATE INDEX "incidents_grid_idx" ON "incidents" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "incidents_community_idx" ON "incidents" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "incidents_street_reported_idx" ON "incidents" USING btree ("street_id","reported_at");--> statement-breakpoint
CREATE INDEX "incidents_department_idx" ON "incidents" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "incidents_status_deadline_idx" ON "incidents" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "incidents_reporter_idx" ON "incidents" USING btree ("reporter_subject");--> statement-breakpoint
CREATE UNIQUE INDEX "responsibilities_one_lead" ON "responsibilities" USING btree ("category") WHERE kind = 'LEAD';