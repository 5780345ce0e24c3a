ALTER TABLE "users" ADD COLUMN "time_format" varchar(3) DEFAULT '24h' NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_search_simple_idx" ON "messages" USING gin (to_tsvector('simple', "content"));--> statement-breakpoint
CREATE INDEX "messages_search_english_idx" ON "messages" USING gin (to_tsvector('english', "content"));