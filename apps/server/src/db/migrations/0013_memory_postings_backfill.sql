-- The inverted index of memory search (memory_postings, previous migration) for the memories stored before it.
INSERT INTO "memory_postings" ("user_id", "term", "memory_id", "length", "question", "created_at", "updated_at")
SELECT m."user_id", t.lexeme, m."id", length(m."search_vector"), m."content" ~ '[?][[:space:]]*$', m."created_at", m."updated_at"
FROM "memories" m, unnest(m."search_vector") AS t(lexeme, positions, weights)
ON CONFLICT DO NOTHING;
