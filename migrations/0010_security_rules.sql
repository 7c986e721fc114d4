-- Reveals logged before this migration were all of residents.
UPDATE "personal_data_reads" SET "subject_type" = 'Resident', "subject_key" = "resident_id";--> statement-breakpoint
ALTER TABLE "personal_data_reads" ALTER COLUMN "subject_type" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "personal_data_reads" ALTER COLUMN "subject_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "personal_data_reads" DROP COLUMN "resident_id";--> statement-breakpoint
-- The audit log and the access log are evidence: the application may add to them, never change or empty them.
CREATE TRIGGER "audit_log_append_only"
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate"
  BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "personal_data_reads_append_only"
  BEFORE UPDATE OR DELETE ON "personal_data_reads"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
--> statement-breakpoint
CREATE TRIGGER "personal_data_reads_no_truncate"
  BEFORE TRUNCATE ON "personal_data_reads"
  FOR EACH STATEMENT EXECUTE FUNCTION "refuse_change_of_record"();
