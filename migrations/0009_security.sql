CREATE TABLE "rate_limit_windows" (
	"viewer_key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"spent" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_windows_viewer_key_window_start_pk" PRIMARY KEY("viewer_key","window_start")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"unit_type" text,
	"unit_key" integer,
	"topics" text[] NOT NULL,
	"created_by_subject" text NOT NULL,
	"created_by_role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by_subject" text,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_subject" text,
	"actor_role" text,
	"actor_unit" text,
	"operation" text NOT NULL,
	"input_digest" text NOT NULL,
	"outcome" text NOT NULL,
	"codes" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "personal_data_reads" DROP CONSTRAINT "personal_data_reads_resident_id_residents_id_fk";
--> statement-breakpoint
DROP INDEX "personal_data_reads_resident_idx";--> statement-breakpoint
ALTER TABLE "personal_data_reads" ALTER COLUMN "resident_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "personal_data_reads" ADD COLUMN "subject_type" text;--> statement-breakpoint
ALTER TABLE "personal_data_reads" ADD COLUMN "subject_key" integer;--> statement-breakpoint
CREATE INDEX "api_keys_unit_idx" ON "api_keys" USING btree ("unit_type","unit_key");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_subject","id");--> statement-breakpoint
CREATE INDEX "audit_log_operation_idx" ON "audit_log" USING btree ("operation","id");--> statement-breakpoint
CREATE INDEX "personal_data_reads_subject_idx" ON "personal_data_reads" USING btree ("subject_type","subject_key");--> statement-breakpoint
CREATE INDEX "personal_data_reads_viewer_idx" ON "personal_data_reads" USING btree ("viewer_subject","id");