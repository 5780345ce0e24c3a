ALTER TABLE "mcp_servers" ADD COLUMN "auth" varchar(10) DEFAULT 'token' NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD COLUMN "oauth" text;