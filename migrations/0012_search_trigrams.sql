-- Substring searches (`nameContains`, `addressContains`, `search`: ILIKE '%text%') read a
-- trigram index instead of every row. pg_trgm is a trusted extension (PostgreSQL 13+): the
-- database's owner may create it. These indexes are not declared in the drizzle tables, so
-- drizzle-kit's snapshots do not know them and never drop them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "streets_name_trgm_idx" ON "streets" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "communities_name_trgm_idx" ON "communities" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "grids_name_trgm_idx" ON "grids" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "buildings_name_trgm_idx" ON "buildings" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "buildings_address_trgm_idx" ON "buildings" USING gin ("address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "households_address_trgm_idx" ON "households" USING gin ("address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "residents_name_trgm_idx" ON "residents" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "compounds_name_trgm_idx" ON "compounds" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "reporting_units_name_trgm_idx" ON "reporting_units" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "volunteers_name_trgm_idx" ON "volunteers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "volunteer_teams_name_trgm_idx" ON "volunteer_teams" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "merchants_name_trgm_idx" ON "merchants" USING gin ("name" gin_trgm_ops);
