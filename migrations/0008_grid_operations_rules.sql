-- A published star rating is a public record: a new year is a new rating, never an edit.
CREATE TRIGGER "community_star_ratings_append_only"
  BEFORE UPDATE OR DELETE ON "community_star_ratings"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_record"();
