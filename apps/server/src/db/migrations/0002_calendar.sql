CREATE TABLE "calendar_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"title" varchar(500) NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"location" varchar(500),
	"notes" text,
	"rrule" varchar(500),
	"exdates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_zone" varchar(64) NOT NULL,
	"source" varchar(20) DEFAULT 'local' NOT NULL,
	"connection_id" uuid,
	"external_id" varchar(1000),
	"external_url" text,
	"external_etag" varchar(255),
	"external_calendar" text,
	"calendar_name" varchar(255),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_events_external_key" UNIQUE("user_id","connection_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "calendar_feed_tokens" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_feed_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
DROP INDEX "idx_messages_user_created";--> statement-breakpoint
DROP INDEX "idx_messages_agent";--> statement-breakpoint
DROP INDEX "messages_user_seq_idx";--> statement-breakpoint
DROP INDEX "messages_user_agent_seq_idx";--> statement-breakpoint
DROP INDEX "pending_actions_user_idx";--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feed_tokens" ADD CONSTRAINT "calendar_feed_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendar_events_user_start_idx" ON "calendar_events" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE INDEX "idx_messages_user_created" ON "messages" USING btree ("user_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_messages_agent" ON "messages" USING btree ("agent_name","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "messages_user_seq_idx" ON "messages" USING btree ("user_id","seq" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "messages_user_agent_seq_idx" ON "messages" USING btree ("user_id","agent_name","seq" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "pending_actions_user_idx" ON "pending_actions" USING btree ("user_id","created_at" DESC NULLS FIRST);