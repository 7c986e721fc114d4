-- Default time limits per category (hours); a city changes them with responsibilitySet.
INSERT INTO "category_settings" ("category", "time_limit_hours") VALUES
  ('FAMILY_CONFLICT', 72),
  ('NEIGHBOUR_DISPUTE', 72),
  ('COMPOUND_GOVERNANCE', 168),
  ('ENVIRONMENT', 48),
  ('SAFETY_HAZARD', 24),
  ('PUBLIC_ORDER', 24),
  ('PETITION', 360),
  ('HELP_REQUEST', 48);
--> statement-breakpoint
-- The incident timeline is a record: rows are added, never changed or removed.
CREATE FUNCTION "refuse_change_of_record"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "incident_transitions_append_only"
  BEFORE UPDATE OR DELETE ON "incident_transitions"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
