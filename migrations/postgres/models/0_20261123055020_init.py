from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "community" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(32) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL
);
COMMENT ON TABLE "community" IS 'Mirrors a community of the config file (synced at start-up).';
CREATE TABLE IF NOT EXISTS "building" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(32) NOT NULL,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_building_communi_fa1680" UNIQUE ("community_id", "name")
);
CREATE TABLE IF NOT EXISTS "daily_sequence" (
    "day" VARCHAR(8) NOT NULL PRIMARY KEY,
    "last_seq" INT NOT NULL
);
COMMENT ON TABLE "daily_sequence" IS 'Last ticket sequence number used on a day (company timezone).';
CREATE TABLE IF NOT EXISTS "staff" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "telegram_id" BIGINT,
    "wechat_openid" VARCHAR(128),
    "active" BOOL NOT NULL,
    "community_id" INT REFERENCES "community" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_staff_telegra_f8607a" ON "staff" ("telegram_id");
CREATE INDEX IF NOT EXISTS "idx_staff_wechat__76ed08" ON "staff" ("wechat_openid");
COMMENT ON TABLE "staff" IS 'Mirrors the staff list of the config file (synced at start-up).';
CREATE TABLE IF NOT EXISTS "unit" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "entrance" INT NOT NULL,
    "room" VARCHAR(16) NOT NULL,
    "label" VARCHAR(64) NOT NULL,
    "building_id" INT NOT NULL REFERENCES "building" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_unit_buildin_5642a7" UNIQUE ("building_id", "entrance", "room")
);
COMMENT ON COLUMN "unit"."label" IS 'as the community writes it';
COMMENT ON TABLE "unit" IS 'A home (房号), created when a resident first binds to it.';
CREATE TABLE IF NOT EXISTS "resident" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "platform_user_id" VARCHAR(128) NOT NULL,
    "chat_id" VARCHAR(128) NOT NULL,
    "display_name" VARCHAR(128) NOT NULL,
    "script" VARCHAR(8) NOT NULL,
    "state" JSONB NOT NULL,
    "last_message_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "community_id" INT REFERENCES "community" ("id") ON DELETE SET NULL,
    "unit_id" INT REFERENCES "unit" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_resident_platfor_fb29f0" UNIQUE ("platform", "platform_user_id")
);
COMMENT ON COLUMN "resident"."chat_id" IS 'where to write to them';
COMMENT ON COLUMN "resident"."display_name" IS 'never shown to staff';
COMMENT ON COLUMN "resident"."script" IS 'hans | hant | en';
COMMENT ON COLUMN "resident"."state" IS 'conversation state (awaiting unit, …)';
COMMENT ON TABLE "resident" IS 'One row per platform identity: the same person on WeChat and Telegram is two rows.';
CREATE TABLE IF NOT EXISTS "ticket" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "number" VARCHAR(16) NOT NULL UNIQUE,
    "kind" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "urgent" BOOL NOT NULL,
    "hazard" VARCHAR(16),
    "agitated" BOOL NOT NULL,
    "department" VARCHAR(32),
    "complaint_class" VARCHAR(16),
    "about_staff" BOOL NOT NULL,
    "sensitive" BOOL NOT NULL,
    "anonymous" BOOL NOT NULL,
    "summary" VARCHAR(200) NOT NULL,
    "details" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "claimed_at" TIMESTAMPTZ,
    "resolved_at" TIMESTAMPTZ,
    "closed_at" TIMESTAMPTZ,
    "due_at" TIMESTAMPTZ,
    "due_kind" VARCHAR(32),
    "escalation_level" INT NOT NULL,
    "assignee_id" INT REFERENCES "staff" ("id") ON DELETE SET NULL,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE RESTRICT,
    "resident_id" INT REFERENCES "resident" ("id") ON DELETE SET NULL,
    "unit_id" INT REFERENCES "unit" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_ticket_status_f3afba" ON "ticket" ("status");
CREATE INDEX IF NOT EXISTS "idx_ticket_due_at_7368d8" ON "ticket" ("due_at");
CREATE INDEX IF NOT EXISTS "idx_ticket_residen_490eb5" ON "ticket" ("resident_id", "status");
CREATE INDEX IF NOT EXISTS "idx_ticket_communi_d46c4d" ON "ticket" ("community_id", "status");
COMMENT ON COLUMN "ticket"."number" IS 'YYYYMMDD-NNNN';
COMMENT ON COLUMN "ticket"."about_staff" IS 'goes to supervisors, not stewards';
COMMENT ON COLUMN "ticket"."sensitive" IS 'no follow-up';
COMMENT ON COLUMN "ticket"."anonymous" IS 'no follow-up';
COMMENT ON COLUMN "ticket"."details" IS 'fee consent, slot, media, …';
COMMENT ON COLUMN "ticket"."escalation_level" IS '0 steward, 1 supervisor, 2 manager';
CREATE TABLE IF NOT EXISTS "group_card" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "chat_id" VARCHAR(128) NOT NULL,
    "message_id" VARCHAR(64) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "ticket_id" INT NOT NULL REFERENCES "ticket" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_group_card_platfor_1ee77e" UNIQUE ("platform", "chat_id", "message_id")
);
COMMENT ON COLUMN "group_card"."role" IS 'card | relay';
COMMENT ON TABLE "group_card" IS 'A message in a staff chat that stands for a ticket: the ticket card, or a';
CREATE TABLE IF NOT EXISTS "inbound_message" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "key" VARCHAR(191) NOT NULL,
    "chat_id" VARCHAR(128) NOT NULL,
    "sender_id" VARCHAR(128) NOT NULL,
    "text" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "handled_at" TIMESTAMPTZ,
    "error" TEXT,
    "predicted_intent" VARCHAR(16),
    "label" VARCHAR(16),
    "ticket_id" INT REFERENCES "ticket" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_inbound_mes_platfor_06a0f7" UNIQUE ("platform", "key")
);
CREATE INDEX IF NOT EXISTS "idx_inbound_mes_status_d32ae7" ON "inbound_message" ("status");
COMMENT ON COLUMN "inbound_message"."key" IS 'unique per platform message';
COMMENT ON COLUMN "inbound_message"."payload" IS 'the raw update as received';
COMMENT ON COLUMN "inbound_message"."label" IS 'the resident''s own choice';
COMMENT ON TABLE "inbound_message" IS 'Every message a platform delivers, stored before anything else happens.';
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "chat_id" VARCHAR(191) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "payload" JSONB NOT NULL,
    "urgent" BOOL NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "locked_until" TIMESTAMPTZ,
    "last_error" TEXT,
    "platform_message_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "ticket_id" INT REFERENCES "ticket" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_outbox_status_a060ae" ON "outbox" ("status", "next_attempt_at");
COMMENT ON COLUMN "outbox"."kind" IS 'text | card | edit_card';
COMMENT ON TABLE "outbox" IS 'A platform-neutral outgoing message, queued in the same transaction as the';
CREATE TABLE IF NOT EXISTS "ticket_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "actor_type" VARCHAR(16) NOT NULL,
    "actor_id" VARCHAR(128),
    "actor_name" VARCHAR(64) NOT NULL,
    "from_status" VARCHAR(16),
    "to_status" VARCHAR(16),
    "text" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "ticket_id" INT NOT NULL REFERENCES "ticket" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "ticket_event"."kind" IS 'see models.lifecycle.EventKind';
COMMENT ON COLUMN "ticket_event"."actor_type" IS 'resident | staff | system';
COMMENT ON TABLE "ticket_event" IS 'Append-only history of a ticket: never updated, never deleted.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1z2zYS/isYfjlnRsnYcuy4vZubsR03dRvbN7F67TXpMBAJSZxQAEuAVtQm//0WfC"
    "dFSiRFShTDfIhtAguCD4DFvmHxtzJnOjH5iyvHMHWDTpXv0d8KxXMCv6yUDZCCLSsqkQ8E"
    "Hptu5XG81pgLG2sCnk+wyQk80gnXbMMSBqPwlDqmKR8yDSp6r/UfOdT40yGqYFMiZsSGgv"
    "fvFY3N51AglrJxt3d//AG/GVQnnwmXdeSf1id1YhBTT3yDoUsa97kqlpb77JaKH9yKsgtj"
    "VWOmM6dRZWspZoyGtQ0q5NMpocTGgsjmhe3Ib5Jd9j8/+Eyv+1EVr4sxGp1MsGOKGAZjNX"
    "qmqOr9w0h9vBmpqlICNY1RiTh0lbtfP5VdeD48efnq5cXp+csLqOJ2M3zy6qv36ggYj9CF"
    "536kfHXLscBeDRfjCFT35wqs1zNsZ+Ma1E8hC11OIxvguA7a4EGEbTTJdgHuHH9WTUKnYg"
    "Z/ng7XIPnfy3fXP16+OzodPpMvZLAmvMVy75cM3SIJdgRuONnVUnM3TbZ5Fh8C1jVMZMka"
    "Jp8y53GCryRx/oHZxJjSn8nShfsWuoWpljWLfS55HW/rwGD+Gkym4GnEr2y8CLnqyhwDFO"
    "DbifCW/+Xj9eXrG8UFfIy1Twts62oO8rIVvor6lU/2w8/viIndz8gF/BdookNYu7CxIYvB"
    "lQBytWg+nKefYIqn7ifJd8s3rUzOjP09MXPzN/jEYtm4wyt3hm0zmyOMQkLEJgg2dXhAJ8"
    "YUTQyToCO+hGWlIywQrDBbPHesZy+UFJJbN5YhVfQCxB4FCA2mVxkBIqhfjwCxX2gbFh96"
    "2SwE9+T4uAC6UCsXXrcsQ4QossUFCtGW21xc+zqw0cjd6uLz1Sbc0AndVhp45zdTACZ/tR"
    "8USrCdTSbbIfQYNNFBeIShfSLbTqGR20iX1lmTIuVrbJjLRwIASLUoQ6xMVlgrWuqyqsrj"
    "dTfKl28xF8gbdxRQQh/nY2Ijh4MQyCiIizpeoiOQGS1Ml1B7Tv5ilGQImFu3toWECa2W2b"
    "D96p0ThS4K7NUXuTv1xbMNIqcJIyynWAlpPk7Sm1PyzCn5slCT7OeNzRzrGprJYj1R4Vq2"
    "M5XVVC2ot5HlXKI54Rz6gwzJDdw9GWkz0DbFzFM5qc7RhNlQ6PGS710V1ecr8kUDJEtX2E"
    "9tLX+gNuxzS2BYgVwVtDxAnAG1TSwTeBdDhoDfsTYj3G3JNqYzERLlsbT3igW7KPRjLivI"
    "DvqWIP8l8q/eNL9PzTo+PkV3lDhNF9XA8yJa4Hm+Eni+YqKPJn5hC0ZE0kWIh0V2b6iVD/"
    "LwIo1yjKeUADpJ1UGsz18WgPr8ZS7SsigJtM3MUiajoP7uwFWCTboEvC4N+oLcDTG94+6J"
    "b8COC8CoWKzC/RpKpEqRwz4SlCngdZ/0RfDLAc7xNVCPbu9uHkeXd/9xBQ3O/zRdvC5HN7"
    "Jk6D5dpp4epYclbAT9ejv6Eck/0e8P9zcunIyLqe2+Mao3+l2RfcKOYCplCxXrcUyCx8Gj"
    "DGtEOfdtgqZXNjb7bkVordnScds5s88g5bVNTK2yLtsmdbhbOmYO1e+8HVvJUORSNQbrtD"
    "nDq6vOY5U3qnQ3T8RehsoXRoEojKB5A8o4qE0CZpSOxgSeQxUKkwhGBcHrCZpBdwjlq/ak"
    "GtvdqIZ9IsvtlK4rY/qt6F3fDYenp6+Gx6fnF2cvX706uzgO2dJq0Tr+dHX7RrKoxB7Ta2"
    "etkLLkeiiBr1+9zdD67SOL2BEnifG50ph/d1IE9O9O8lGXZYepFCsl9Yg2qcScwIfZJVFO"
    "EPU4F8FZkM8ZouUInuZI7379DqC7ThG7+W2U0MECDI/uLn97ltDD3j7cvwmqxzC/fvtwlY"
    "LawkuT4YwJ/dPjw33OjhiRpDVhQxOg8psGb0ygV/41cagmUUUywkMYIKbJ1/67rHnCtbrj"
    "BXIsqbYjzJFNNALCoV6Mpa8ZKAnd+oFKj8kgqQXLBtIDFfSugvUiRdqbL1ptvgCFWTgZsR"
    "RrdpiQoikGuKIqKInFcoBS6gxT3ay0mpKUNSymdkb8dGItERm3XEaSCAkqraQDGslGZAmb"
    "yK0Y1gb0wA8GLKxmZ9B2YQya5mPw2cQsA3RI0GJ0PeHMD4b4B0dsQZE2Y4ZWTd2uHfT9eB"
    "jaNrO75mBoGb7b+xegB+j+l7dv9+VgeHDEmH1WMhwLfslgnUOBRXUKhIYFdrnnlDhQ2URA"
    "PmXSoh8GYMGoOkSXIV6SvXDoEeCJKceeOondSKwVV0J9TX+QUxVUTQ0kyCnxQss07Ia3Gu"
    "Kf6OPHMROgy3ILC21G7I8fkTQdcSgsGOL6PqYJUBBxQEQVZG7Jn56HondJ9C6JNqrvfcDY"
    "riFuwgPxCT6tlOfHr79Dq21gKC4liwIN+oL8cCbQUkQYs7z/mf2tmm/r0IEbMdM69jRT87"
    "1izCSYZg9JRJQakTFQNTUU4ZPdon718PA2gfrVbdq08Mvd1Q2sA3cIoJIhEntpuy2lGVPe"
    "AinOP0F6iJunL0Rm4JwrIsZJdhdMd9ysoLjlmYHYEfGUaL6C63r7cwZ579FptRXaZKCh66"
    "pDhZFhqls/2mna3t/Q6pGWRxZLOx2SVC22y7bX8+BrxGq1Qys55F0YiaYPr/RnKr4JxsZB"
    "P6kwxjGyfuNq8/j2Hq3eo9V7tJRNHq0wzVGGTyueAinfq2XHa230az1Qgmy2SEaeu/SGWH"
    "4fOZugnDMqs6T8Sq6lXwlTHY0AtqmNgYAjsWCyoYyjMs28YuOpmVDkcrgXHN3nLejzFuyb"
    "/zdtrE/P+SoqSoy2i6A3cZygu+4/ZQHMlch8MgvbEO4vwG7nlXxTTSAvoxlMvFTLZsVM07"
    "X3YIdCyRPsnHwmY9QA/jBTYCvw93paykMSUuwQ8xmmvCzukgZ9QfBD+iwJrYJ5LTnPkv6o"
    "jGme74oNCQ7XESsBlgeq3eSOyAtwOsILbAgZICVTRQ/QB2d4PPQ2yvY5bF3ja2D3K2/hyC"
    "DvLR1ttnT0BstvY5j3eI1Hy1Zv3f5riU85VGMUPaCtvRalZSgXtRauvRUlMhimZ3AN4Ba8"
    "AuVAcY0t2tI22H2lBj8QqBvNDO4lms8wUIcZ6POt06H2WvyCGddA7CbMlerK9nfMbNFef8"
    "1Mu4zK/V0o33TW0AO21Avfr5Up5q47HJUibEja7eoxqWgAFsS1wDOL0HKG+xXChoK49ndR"
    "QyOGYnlQ8SmDn6w9thAR7fDYQgD8wZ5a6C0TvSLdCi1kUE2R7rW+Nmp9PlgZal8EY77eF4"
    "Wm1Xt3+MoB9Xj4k38YC+qkrhgPCnptbafamnvdVil9LaRo721Yyv/g393d69fP7+FfFSdx"
    "AxlyW39Q+oBVtzYeCl1Nn0fJQjlQgPsTzsrOdIUZ/stPNVB0MkcU3Tu91MDZ5qkhXDDKze"
    "Y4WT+fS8xnnVjYFvOSuQGTVN2b1/XfQi4vSTXl21TNxLzUbphB2j3EG+AkY+YINe+e6LXM"
    "JEnZbn6iTJm8sZIh7ljEfjI4k3epUCZdcURqsbyYiL2jBCGEcqOCYTNB1/IBoQxNmGmyxX"
    "PHahP2mDK6nLMsUXz9cojT9dhXm/fOfI7tUtewxEjaG2xfkdsPj48LsHuolcvv3bK0KCOw"
    "YWbM7vxw7xjJAQd8T4gbjiGPdg8QNxn8Pye6gYM4760XQiNh3n3Yb5WhOLiwX+82jyrDnK"
    "Tsh7nVwwyqCQxCpdWcoOyParR5lKEpZla98iZB2o9zm8dZMxmvuJhjhP0Yt3mMdafK6bqI"
    "aieju0t3btcGt6xTM07TPQNj/SZd6BX2ImbgLU9Zd77kRkBkkbY2LatyHJgSB+gkZmYcoC"
    "Hyol/sYhpm3cfeMOfGlJLs3IL5qXCTVH3UXrsCItumpNWNbRBvVQ7aFFU/aftDsN9K7G7b"
    "GEItwbvvQMJ7d3s9UjJ5Qw0Ix3PfHdY0LopviiX2h4x3dcg4SwSrAdbwMGw3cU2JnVuE8m"
    "uBU796IP8bmznWtR+W1hH+m5iXBh0zJ0v9LYPSrdfInZdLqDtTM4FUdKlfdaCiywM7CBDo"
    "57SegzM3T8U25INZcc0fn/Egyz1DEyK66SCNSp4Kp/i9tOT9QM8ZNZdoZnDB7KVMeoCR1x"
    "T01E0w6LsnB/6fHjfXV9MobN9czVkU+qskZdkurpIsb17vfd0HYFzv4mkhhROCfN5qGhOi"
    "LQHYFy5//dnvfukgryIZNob5GTaGKxk2gG0z28OvBPxJqlYPQqDToi9+xh34ueSiYv7g+k"
    "OqXSTLpX+I03TPq9RU6geArGyuniRV50JG68/XM7HZXC1/ODFF1sE5XX/yHlYB5wRRj3KR"
    "FEmfM+TN/EvugvodYBXrpMsmbreTEv8q1GvizP36hxtkXsdQNBJGvp97stqmXnXuoqy2AV"
    "zUzJ9/U9b15eP15eubfV2U5XqtMgxpgTcr34IWuM0KWM7QjM0JOvrgnA9PJx+cs9PJq2cD"
    "5J/XQIsZoQijUMmZGDYXaAwj6h5gNESG8ayOFjOvvpLcMLgEHEjtYN7ajM37q6/2mvcmPh"
    "xFA+piJLtj6CetBjiemZSVukcsqN9mW0lrxG747qzYz3x0Q4I2w6tg7qd59qNYvPusOPL2"
    "gv1r7wH/Lif5pah62W+z7BffKLeU/q5iTR0YyEXlv9QEKysBrsaCbel57l4cWIb216e13J"
    "1f/pLYhjZTMjQJv2StLoGjOk2mtezl9V3K6/K2OX+BFZWBYiRtloIqCpnDs7Mirs+zs3zf"
    "pyxLeYUsq5Q7yKveQXRPCiUPOVmTPORkNXkIvFFkRl7nG3VjJLu36+4nVKM2C+6KvLlLo9"
    "jX/wO1sKxU"
)
