DROP TABLE "memory_postings" CASCADE;--> statement-breakpoint
DROP TABLE "memory_terms" CASCADE;--> statement-breakpoint
DROP INDEX "memories_search_idx";--> statement-breakpoint
ALTER TABLE "memory_stats" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "memory_stats" DROP COLUMN "doc_count";--> statement-breakpoint
ALTER TABLE "memory_stats" DROP COLUMN "token_count";
--> statement-breakpoint
-- Every user with memories has a version row: a search without one finds nothing.
INSERT INTO "memory_stats" ("user_id", "version") SELECT DISTINCT "user_id", 0 FROM "memories" ON CONFLICT ("user_id") DO NOTHING;
