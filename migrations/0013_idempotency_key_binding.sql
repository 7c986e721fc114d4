ALTER TABLE "idempotency_keys" DROP CONSTRAINT "idempotency_keys_subject_operation_key_pk";--> statement-breakpoint
-- A key is now one per caller across operations: where a caller used one key for several
-- operations, the newest claim stays (the request a phone may still be repeating).
DELETE FROM "idempotency_keys" AS older USING "idempotency_keys" AS newer
WHERE older."subject" = newer."subject" AND older."key" = newer."key"
  AND (older."created_at", older."operation") < (newer."created_at", newer."operation");--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_subject_key_pk" PRIMARY KEY("subject","key");--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "request_digest" text;
