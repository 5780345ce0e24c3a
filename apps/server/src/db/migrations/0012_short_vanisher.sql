CREATE TABLE "memory_postings" (
	"user_id" uuid NOT NULL,
	"term" text COLLATE "C" NOT NULL,
	"memory_id" uuid NOT NULL,
	"length" integer NOT NULL,
	"question" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "memory_postings_user_id_term_memory_id_pk" PRIMARY KEY("user_id","term","memory_id")
);
--> statement-breakpoint
ALTER TABLE "memory_postings" ADD CONSTRAINT "memory_postings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_postings" ADD CONSTRAINT "memory_postings_memory_id_memories_id_fk" FOREIGN KEY ("memory_id") REFERENCES "public"."memories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memory_postings_memory_idx" ON "memory_postings" USING btree ("memory_id");