from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "notice" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "text" TEXT NOT NULL,
    "targets" JSONB NOT NULL,
    "target_label" VARCHAR(200) NOT NULL,
    "starts_at" TIMESTAMPTZ,
    "ends_at" TIMESTAMPTZ,
    "status" VARCHAR(16) NOT NULL,
    "origin_platform" VARCHAR(16) NOT NULL,
    "origin_chat" VARCHAR(191) NOT NULL,
    "households" INT NOT NULL,
    "recipients" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "done_at" TIMESTAMPTZ,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    "created_by_id" INT REFERENCES "staff" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_notice_communi_267ebc" ON "notice" ("community_id", "status");
COMMENT ON COLUMN "notice"."kind" IS 'water | power | lift | works | other';
COMMENT ON COLUMN "notice"."text" IS 'the words residents read, as staff wrote them';
COMMENT ON COLUMN "notice"."targets" IS 'models.domain.notices.Target dicts';
COMMENT ON COLUMN "notice"."starts_at" IS 'the period the words name, if any';
COMMENT ON COLUMN "notice"."status" IS 'draft | sending | done | cancelled';
COMMENT ON COLUMN "notice"."origin_platform" IS 'where the sender wrote';
COMMENT ON COLUMN "notice"."origin_chat" IS '(the report goes there)';
COMMENT ON TABLE "notice" IS 'A notice (通知公告) staff wrote for some households: drafted (the sender sees who';
        CREATE TABLE IF NOT EXISTS "incident" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "failure" VARCHAR(16) NOT NULL,
    "entrance" INT,
    "place" VARCHAR(200) NOT NULL,
    "open_key" VARCHAR(128) UNIQUE,
    "households" INT NOT NULL,
    "reports" INT NOT NULL,
    "card_edited_at" TIMESTAMPTZ,
    "card_dirty" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "closed_at" TIMESTAMPTZ,
    "building_id" INT REFERENCES "building" ("id") ON DELETE SET NULL,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    "notice_id" INT REFERENCES "notice" ("id") ON DELETE SET NULL,
    "ticket_id" INT NOT NULL UNIQUE REFERENCES "ticket" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_incident_communi_c6a72c" ON "incident" ("community_id", "failure", "building_id");
CREATE INDEX IF NOT EXISTS "idx_incident_card_di_7b665b" ON "incident" ("card_dirty", "card_edited_at");
COMMENT ON COLUMN "incident"."failure" IS 'power | water | lift | gas | …';
COMMENT ON COLUMN "incident"."entrance" IS 'set when the failure is one entrance''s';
COMMENT ON COLUMN "incident"."place" IS 'as staff read it: 3栋';
COMMENT ON COLUMN "incident"."open_key" IS 'one open incident per failure/place';
COMMENT ON COLUMN "incident"."card_dirty" IS 'the card shows an old count';
COMMENT ON TABLE "incident" IS 'One failure many households report (a building''s power, water, lift …): a ticket';
        CREATE TABLE IF NOT EXISTS "incident_report" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "failure" VARCHAR(16) NOT NULL,
    "entrance" INT,
    "reported_at" TIMESTAMPTZ NOT NULL,
    "joined_at" TIMESTAMPTZ,
    "joined_by" VARCHAR(16),
    "split" BOOL NOT NULL,
    "building_id" INT REFERENCES "building" ("id") ON DELETE SET NULL,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    "incident_id" INT REFERENCES "incident" ("id") ON DELETE SET NULL,
    "unit_id" INT REFERENCES "unit" ("id") ON DELETE SET NULL,
    "ticket_id" INT NOT NULL UNIQUE REFERENCES "ticket" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_incident_re_communi_b199d0" ON "incident_report" ("community_id", "failure", "reported_at");
COMMENT ON COLUMN "incident_report"."joined_by" IS 'auto | staff | notice';
COMMENT ON COLUMN "incident_report"."split" IS 'taken out by staff: not joined again';
COMMENT ON TABLE "incident_report" IS 'A ticket that reports a failure, remembered with its place and time so that';
        CREATE TABLE IF NOT EXISTS "notice_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "error" TEXT,
    "template" BOOL NOT NULL,
    "notice_id" INT NOT NULL REFERENCES "notice" ("id") ON DELETE CASCADE,
    "outbox_id" BIGINT REFERENCES "outbox" ("id") ON DELETE SET NULL,
    "resident_id" INT REFERENCES "resident" ("id") ON DELETE SET NULL,
    "unit_id" INT REFERENCES "unit" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_notice_deli_notice__049035" UNIQUE ("notice_id", "resident_id")
);
COMMENT ON COLUMN "notice_delivery"."status" IS 'queued | sent | failed | blocked';
COMMENT ON COLUMN "notice_delivery"."template" IS 'WeChat: a template message';
COMMENT ON TABLE "notice_delivery" IS 'One resident''s copy of a notice: the outbox row that carries it, and what became';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "notice";
        DROP TABLE IF EXISTS "incident";
        DROP TABLE IF EXISTS "notice_delivery";
        DROP TABLE IF EXISTS "incident_report";"""


MODELS_STATE = (
    "eJztXW1z2ziS/isofYldJXtsOXESz9VVOS8zm90k3k08N3s3mpIgCpKwpgANQVrRbua/Hx"
    "ogKZIiKVKiJIhmPjg2iQbJxlv302//aU35kNji/I1H7SFl49YN+k+L4SmRv6zca6MWns2W"
    "d+CCiwe2ajyIthoI18GWK6+PsC2IvDQkwnLozKWcyavMs224yC3ZUD/Wv+Qx+odHei4fE3"
    "dCHHnjt99aFp9O5Q13AZ2rt/v9d/kbZUPyjQhoA3/OHnojSuxh7BvoEGjU9Z67mKlrH5j7"
    "k2oIrzDoWdz2pmzZeLZwJ5yFrSlz4eqYMOJgl0D3ruPBN8Er+58ffKZ+/WUT/YoRmiEZYc"
    "92IzwY9JbXWr3e57v73tf3971eqwTXLM6A4/JVhfr6MbzCWefy+cvnr66un7+STdRrhlde"
    "/qkfvWSMJlTs+Xzf+lPdxy7WLRSPl0xV/6+w9e0EO+l8DdonOCtfOcnZgI95rA0uLHm7nG"
    "T7YO4Uf+vZhI3difzzqpPDyf+5/fL2L7dfTq46p/BALteEXiyf/TsddQuYvWRuONl7peZu"
    "kmz9LD4GXlcwkWFrGD2kzuPYvhLn80/cIXTM/kYWit0f5GthZqXNYn+XfBvt68jY/GcwmY"
    "Kry/3KwfNwV12ZY5IL8tuJq5f/7de3t+/etxTDB9h6mGNn2MvgPGUWHRJ4/Arn3/ikP/3t"
    "C7Gx+pRMpn/wuynAc/97TGd5bCsIuNRzyIw7VTHri+qspiyD6bkln36RXdRoEav1yDs8sg"
    "5jK3T11rQzTV7BDI/VJ8Gz4UnBrjfB7hv5wRmiY/R2rvRoyYa9QaTlOgmydYvGDvdmCCjR"
    "gHtsiObUnaB+/wfoR93s9xEWCKNw33omkHAJfLZ4hriDhDcjziMV3BHPWgkuV/+ELlNdcS"
    "YJZnIWjrgzRSdSzJXkbETHkhYatNF8QhiiLgJuCtlefr58gPx1RB3hnp63CgnKiqcOt/Wh"
    "5T+vkZwPKjnHxqSo+BwfSINl6FYw9dH36MRPrqwicvXldQG5+vI6U66GW3G5OlwBJTgfpT"
    "GZ8RsqL9UzWU3VtJ1jzexO3T9qweLXl0V4/Poym8lwL85ldRj1sLvK5neSTy6dknRWR+kS"
    "vB76hOfBL0fI+RxG33/49P7r/e2nv0P3UyH+sBW3bu/fw52OurpIXD1JTvywE/Trh/u/IP"
    "gT/d/d5/eKnVy4Y0c9cdnu/v9a8E7Yc3mP8XkPD6M8CS4Hl1KGeJCimWavpCjN/pZSq1Xy"
    "kAg21Ru96MtvWheFdq2LnG3rogFdGtDFjN1q56DLTtW/kP9pyl90cHJUv1iztXrfJ+o4Uq"
    "aM6lyIj9BSi5JKkk3QiVjImTNEUt+Sk8hxz7yZ1ptiKt62naUoYY16dUj1Sk6vUrKn376a"
    "0/KwrN2xWaKx+SwlkItCEshFjgRyoSSQlVOyCHQeGFq3RDmjVt0jG41CQHAUUdySVQkUs4"
    "7c2r895qjZdCCDzJHy7JG6ihNbsyvoqKa2K8ZdapEtufRZdVLXyeQQUcU+9cXvpqYTSSop"
    "o9F2HPoadFFD9sgF8kC2nUL3qpO6rjNQhXvYplhsux+BNf0WOqoTq3aLqTDBbfKRsodWKq"
    "qyvN3Ox1VUw54dtCxgUueMnAH4jwQdszPKEBAjlytEZE4GyO8UnfT7P/i/9/uIKou2Qx/l"
    "0PombO6k2NOr7L7L+n0949DZFA24GxCfqU4/33563++f3shn2gtEXYG+/uX2rPPiGlGBHs"
    "jM/RE9yvk9RCPuoCllnktEu8s8QYaSxCINvGMgvOPyB8J6EywmZZCIOFXtoJ7r5wXAiOvn"
    "mVgE3EoYQxwCrNjAwBinbEyMRpsYybcZld1tMMxxymaYjR5mONI2GOMIWQUDbKaaUIvxfa"
    "S4zGnoNzfYP8AlNhk7eIq+S5lQeUx+R5ZNN/MVqNrBSanW5ZwEoiSNg8B6B4EM9KK0c0BR"
    "CMM09hZ1DIjOK7OcApQe9pUIob88S4cNWrSLqLEi0riAJgsaJhmCjjlw+FwQ58a36vMHKv"
    "/DjkOJUJf8jqVSuGj7ZD+uaI0pymzFT+gyXzE9R+/ZUICvQb+/FLSkGnwiv1tuKi45bSM8"
    "cokjG9Ch0pB9BRZ5SoEF9VjSd5nNx9xzQZsmcioPVTeN44KJmq2cGqX12ihNo9Wu12qFk3"
    "Kq5PiG+O1NdmBowfai8A1EHomzQHJXhJ1m6glXbUGLTaSmBlFoVJGNVBEbC1ce1IRtMNBJ"
    "2maojR7qBjx6GsPsy42lBzlC18BHJo9wA2g0gEYDaOQCGu8wtRdfieQlDE8KnhFv0M6DM4"
    "bQVMo5kbZr0YyPUjRC2mkFBZTyHacD4iDfYI0wGuIFOrH4dIbZAsG++m/OSErMw9a9bYEd"
    "yF7LqGB+89opt68K6FevMtWrV6drwARflP6jxJYeJWm29Kwt/TDbz8+QaOKt7CZt61nezN"
    "12VLKKnhW0KwCgTokQ8n20843amXUiDHeio6AAowTfGezvJRr99PcVeJBGIVOA04p67jKH"
    "2HghN6zAKTTouY0El9QOmdkL8C6irvwdWxMfjnXoeOKGRNnJNKLB/5Egdf8h8FeTS+OQmG"
    "mT0KFJ6HAAFneKnN6yVTaTO6+SXI7sKSUYHaeqIa+rB6LLpt7Zf9adVnBIlzEDAA36jtSB"
    "uAniv4N9o0H8nwJ6pKWycvBRjGZXysaxCTo58JEbRppsiR9VGbKyT/4WxY9iE8skAOkDU6"
    "l5PunzupWixiVatPN0Oarb9qaRxmsVuvfKPByoXpH8g7J7Ku8JqTS5ckIN0YDI67IJk3NI"
    "jgqSjydoIl+HMLGKJlXY71ol7IEstlO53tDxU9G6Xnc6V1cvOxdX169ePH/58sWri3BXWr"
    "2Vtz29+fAz7FCxE6bRzYyQsWA9lOCv39xk1vr9oxlxljtJZJ8zIvvesajEZR2vTVKIBRiQ"
    "nZJcjhE1fC7CZ5d8S5Es7+XVDNndb18D7uapYe//eR/TwAIenny6/edpTAv7ePf556B5hO"
    "dvP969SeafxQub45QJ/devd58zTsQlSVIPphaERdhU7Mw40/qvkce0OyGkHHKpFNPgsf9d"
    "FpxQmDueI28GSjvky3aIRaRwWDD9Y85AAevyByo5Ju24DgwdJAcqeLsNsIsEaQNeGA1eSH"
    "3Z9VLSG+ScMCHFrjbAFVWhFVssRyilTjAb2hutpjhl40Zm8loikEizjCQREmy0ko5oJHci"
    "SzgEjmK5NuQb+HmMCqvZKbR1GINd72Pys4ldhtEhgcHc1cKZ7wrxTCA+Z8iacD+D2OGZPs"
    "IpXkzZLPebm87wn27/gSS/nYX2ecFMzAlApLru0OGtpIex6pi2n9TNqmMYf7e36sg3QJ9/"
    "+fjxcGYdP9tpqkFnmQk1z5QTabXWhnPHiLxFbc8haAp+uRPuCTLh8l2RTkiKTjAK8gPL3X"
    "zG5b7SRnM5J+R/Nh25qOt1LjrXpzehd92KRWcnT+kyPlLRznDAnPT7+mq/f6Muau/jtu/c"
    "NyR4aFNGhNwYh0iyAOscc6dt7b6nU692odCbPKvkazhE9RlPpwqRzujvNmZMbqyqoBZGOs"
    "Gm7JZxTyV0p5nufwkzU6K0ls8f+DWseyspflOOGL0hdfwKXPCXlLZ8d4bfG//AffoHRgap"
    "uPwQkhhtJlFLDvKjwJpTOOAI4MAxhspbevGZIb+BlBMcXwWnd5TEYDmiJYir9xXYlIINk6"
    "pyfSj4hmdFa59VshRi5tc0nufaXlM5bhCw38LC9xZ35AEht+4bdNX1rl9dDDaZ6p1COfw7"
    "OTn8OxcrVYT4jLBeSatslKYSvWUXe3oLJjW8KQokFmWi9Wf9D+HsMcKmtZRXSuw6caL9hc"
    "BcGH24Ro0iGQnvMzkaoWjYmWRnQjJc4eoaF9kV6gYcNxkcj2sFCZ80zm2CWc5Ah4SJQR5I"
    "yl2to/BKSWRLOaKLCZ+D8obkdoosqWoVhLXyvNDu7j7GRvvNhyRM/sunN+/lWaGGWTaiGi"
    "NIWXqNZ/qTWHM23yzxaYyw2VdNHuMAeymHVCeoDNYxDyeeNOVQd8ZbDUKWY2yMppmwq0w1"
    "JA7p6PHUHINVU7d3F3V7046zChhcorqjYTtDUfYmTvEMw+DqxlsBcwuXWDtS1sZOm9IW12"
    "hUO5j19l0k8UiYnlJDar1zwB0j91z+2HnA50EPsl3Fe1Zi7PfnYY7JfzlT1xv+/UKiqnGB"
    "pDx+EhzlNeTjqwgHMHxbXtJLDize1J0o27rC5pUlXVfe4oo6CchU2Tck5tHkfil1IfkUWs"
    "gszNCAaFgI8qBDPwE32qr0FuTrmWBlSNvaOq/fpDG/N+b3Orqk1te6fmA714bBPzHSBh82"
    "Gjv8F6dso2GOETb48BGM8aCUQ0aMyGRPcvh09N33ifmOlurt4Q8mMbNpysLKtXWGNKabOT"
    "GU24C6OoOFZv4N8B7peYPwWHLZJHtnYyRpjCRHx9tQPy6nmsWpmkm7ylhV2L0UUyMUDUMb"
    "y9MBLE/RKJktoftoWM5xzduioGhiDyxgF2kMe41hzyD2ljfswWBUwNpf/G7qydbIMV5BEG"
    "VjqjLaVPVIXexmFN+N3G3nm6hi7QpYpzgjZ8oQZMnebvwaDhqe0LajwCAk2TWiY3QyoFDr"
    "Aa6Eyf6wleowXG3vXaasXJ4gAlH3VNWT0P2pOhm6HMVJv/8DdKEuQaSq7tvf+59BMBKBsR"
    "LPJHmXCW9GnEcquCMvQAdNoV0TrVIwecqggUH72tUg2kE6UvlZZVgbtDfZ1NcK0FW1C2wC"
    "rlZS6ymRfLRsFYMYkcmQdrClAqy93E/NwLSbuJF1UlAtbEZNYdsnMczeZsFBXhMadETjW8"
    "7wGyEx+YwMlJkbWjB/bvJgLJL4QLbKORpXEh8c0hRm2CKq2r5wiPrMNWRpjnlh3+WZDeNu"
    "UQhrfXVmE4wKR8rcYjaFw6S5+ysffPFSoUT/TjsPRvwXH/QcrzCGKKwJGXo2GSJJiE7EBD"
    "JbQSJo/ggZ4vzEcr6XOmYBbEcfCUPC5n6xWL+MiJ9WJwEkVv2ILpviB4UkIvmh2oWdQGOV"
    "HUrIXx1sozl3Hogj0IhCmqicsrOKx/ImPKqpMHtQsDAYiqISZNDeZERrQ7iw+iSzan6XYG"
    "7QvobMveoUYO5VJ5O5cCvhxo7ZJh7sIVWDXhin3a5IsIeRBvzg1xRpYBkWmy0NLJ2UiwgD"
    "fr7Wk673+uISd72XL8mLrvfi8tqSP58/x6e+/W/ucJeoc1rwKYkkrL1BQweP5BRFJyoQTR"
    "WIkv/J03o+4SmywY6f2GVzattB/Rtte3S1lADRb+rXIIxEChKhLBEpsQgZJr0N09b65Uua"
    "QLi9ShG1tIsFmWeDTLR+BlqQcsF6w9WE3OAorN5uY36Jsw3YD3uL5LVKya2LNwiVFrWNwi"
    "ypeouSDafFxiHvfNxFDRMXO3LfSskOkF0PLUJiRj00eF7pemj+cTnkU8n7c33iiPN79W0I"
    "PqSgwTNnwHZSF01zv1e6DkqSztwUwxuK7zvJJSwXseNuYoaMER6NkUrtaDPiUD5Ey80NmN"
    "FGdARVo7ffxY5Byo+Hdw83skMvyY5m+J+MFmd6/cGUTVQpNGUPOUUEbjxyNkK19+9oCDnE"
    "v0P+D4vYNtnQeFm1dMgdOqast0m98hRSo2XGuRTJCYpopUpCNGoYrEnadrd2CAIyo9l/si"
    "xeg8acKM9kh5xuxP9dlDVv0ubvJJ2IRWcU1LMSTI0TNUxtMng/TfEIohg30H+WZI34a/L4"
    "gkC4wfhGyJrxNXl8m/wYuz8CB2WZm6Rr/AObxNcHj49fzsoKWFxzN8yVFbxFguYgV0RFKZ"
    "rrw/S4nEJs+kgcSrZkk/aPeKd7q9MGkJLKump/k5BrmX4nUb6u8z/pDaONC9VdDsyszwSy"
    "+GwBseZBPWHtD8o9d8C/IYfPteeohR2YMoi6bZUheQ4XB8TyXQRXSi5X+QC/2jI60W4lkF"
    "aXDNtoYHPrgQx1dwPuBhcg/B0u+dHxyGMjbtt8ToaZMey/RTx5gjffzln1DR0/FU+T153O"
    "1dXLzsXV9asXz1++fPHqIpRYVm/liS5vPvwM0ktMwl/vj7IJ1n0sIPeGFtwdZMA8DtuObO"
    "qR4F0KQ9maSlt3wMijNxj5i7+hmGFTII7DndURyPb8CQkMDv+rBEnYiTsPmcImkeIvn5v1"
    "NUpmeOLXX4lcvO6NPJaDlw6cMovN97yNvLp0r4cpL2bc9l4x3qKFr1Su5gkuMbIaQS17kW"
    "CiVjSxQTbYBFWN2N9kgzWJoTnQ4f5Ljpm2EReFtbJrjqUihqHOuT1rv0S6Oq7JW5S3iY2w"
    "yai5r4yaqxJEBUy9CzuqJ1tjMlMFqUqrgyLvLMubYfXiKyBkeK+dBz/yaKsCAXAz4ggIA9"
    "OJLflcjrd4hhwypsIlzg2ElMFVAQgeIJpQSk3qJzAzz9E9eFRPwOuSCvRAZmlJNat9QJfJ"
    "9jZBLkfWhFgPkeAUVRZDuIi6P4ZpO1WaTc7shQpx00Fy1EVTLB4ArgRQE3dZLMUnvI+8LV"
    "TonWwL4SDwP7bla0CROos7Qx07Bx+k065mg5jBPqcGs4m1b2LtjUAjq4+1V6u0FN4bEOwI"
    "Cjtc3tNOsVidnFCdlVj7ktk4t0rEuS9vZXUUoO/IJQz7GO+U2gWDcHaaAZXxNJAxG9UN2t"
    "cg7GzfmK7gniOVMofPSxx4cSKDQYIWlJ4FcyrVwoKNQT6ZBvV4D1D0aLpx7ckEaePZbLRn"
    "pDcbbujAHqdshtnsYd47umraaO4YXt0vTGUac7fFqQqkFYy4aNqYTrd0gAM+v4V+jBEBzH"
    "Z985G+NLQpxABzsKZlmyJIk+/gc8aI50K+Qkk+5hC569u428j3+vClJSHfCEEtcYF1Ugys"
    "IhrTMKaKulZQkEsANmJjEjjBQdZmhSr1+wPung+pmGHXmhCn31dxriIn2eJKtqSlDw6T+o"
    "Q8ZcHSr6KJZNPfYl5QqqaCXlUbpVVq/N2qtRY3/m6HrY6xXA5FeRwhqSOLdxGjbX4qsTB9"
    "VqncL5JGpYZwwImQDKW8Ar9vAjZVP7NneGFznML27DxVERIz8lTBY8vmqapCZdtJHirPGa"
    "da/nP9DJdEZnsZVsH1Cr0Jj8SNeaazzOxqhu96i/HlzDI5IqIkTYaIFSfYhPS+wtd8lC2F"
    "vIHajIbaZg6H7sqsoCiJsStIihKOK3Qw2FQS0DO4oBRblVDrMIYKsJT0SodXxKmaGIvy9r"
    "hAK+35wElJhSuDvA4jsWsHiibl0JM4RpqUQ/Ue31gZ9oJyQozGYHcGU4xyml8VmOXuw46O"
    "i79F7XKxibVFFo+sIJOd5qY4Ep7vwT73ETPSyrTRqbvt9Xa6nh00LJSOQl5yKVODik6w8q"
    "RuSxXB4QPunoLbNrUmfskx3wrmcvCTlhsjtBcTyEJqEyz7X7HYVdx/lzlyKs0JZKigNhQ9"
    "0VUiTrWHNzhhzTDUXFEZwH0R9ZkA1/Qz5SFu06kqlCK4tvnhLou8nmzpi7MCjTnYFsGMCF"
    "7gThuBb7r/lkCI4ARuozl1J7INPFn1ne0fnmbwa9zED+km3hjzGmNeTYx5kDaZpCAo2Uxe"
    "Uhisswe1aYKjARw9mHYGPrwer46knsdcmlLCJF/JS5A2ip7Jip6UiXsDIjf9FLl4DfYfoz"
    "yaUW5FpSekIuhAJJtjCvm85JxVxeWKLcI6TQQotZdmLM423i8pzLDdb1Rjisy4FNAFkSM7"
    "FEF4pwpwUNL61vNgN4b9xi2+rktyBS86TAT33/0N8is4krZSlPZ4g3ae3h5aU0TYdq3q/i"
    "vor7qepy8hTT25JrFkL4GYZTwA/RW01qB30LWVQgp6MxUIUq2BRHWC2Yp/VMXdd5mgUH8U"
    "ypgHKSYJg1PFlQ+AoGuI6fbVeNhfwGyORvAsqNUsj52h6lfuP6oEut1lsOK0zo1O7olNxg"
    "6Wr3B1sVThsb9pgfoPOSozM1AW1cLNUBgPq5PvRF3M1tH9SdRT06fsVr5CfDQi2JPZzBtX"
    "gHJjugtXAIfITXiTEu8RuqNZWa3wdIGTJ4SRl+fV09Nr4IRNHf6fbI6zIrOXNImhHwGROc"
    "OttJebpEwBPk/wCVsP9ru7X958fI/+/uX92w9fP/iKTDi66iZcWvrFfnl/+7HRVZ7K8WaI"
    "rvLFT8JEhio+NUVZSbTI1VacsG0viJotqK6kJYZCJ13vObnEXe+6c/VS/nx1fQU/n786RQ"
    "IvfIdFeNCNttnp3drPyhT0kq6/7O55XXaCFa6iMGmwAqIlWxS1UJms5GRgaLBQqkv4BpCn"
    "KmKyxA7B26omjYFwBwZCGJhSp2JAYPaR2PVev7zudL2Xr8mojcQfnnxtqTW7DtkezKviPH"
    "yKuUtaPqBKmMqKx1DwJZk7XD0PTMNyXhz99raVALIuO8YdI/dc/ijohLdpboyDDsJuMmNs"
    "Kc35WYZT5bhlBuI8CS7SqljNIj5XMGpoFlT01F3cLNMsBAlAGdLlDZSAE0CzIA25cw4dif"
    "MVaW03j1jrhxXi7p4gTuOQdWh5ywx83Sxvoepj0JNzfgNmR2nryPROkTyTslU22zsruSbr"
    "6wjXmsvNVWVqnjtSqldWvQmZFhNY98B5yONj40WvbFrgJJ25WT9bTGe9ngDaINkvgrqlRv"
    "Bfv2kZzi8p9sjzCWaiLN+BBn1HE53XtqhT1E5z2oYuBEWdlEICM3yUNskvAgyWC0DoIAOd"
    "2usEg8MaoHMgmrdR1+tcdPRBaZ67kjJiBqG05WGPFPKjMcg9GVtAEwP89IY5Ub68oL6YJG"
    "siRZtyY/sOvQ3nYIoBpGz07dtoX8fF5aLwX3LJNoWx9lUYq3hY85Yph2sb17ya1WBLTtUt"
    "2r5c5Hci0XU2KwPzydPNdl3C6PF1gh0yvOcPhLVS7B7R2+0804dQDXtu2HJ9QmtLbh0QlC"
    "4pBNL04NKBbdt3jRe+N7uCwahAjKMvZCh/OdFWimc+tby3YvmotPcuUw75EKI+m90sHeBH"
    "xLUmiLJHbFNQDVQObDSijtjeKf6BpIgIOWlkdfP6ucJXF9abbSAJZ21R5+iQwGT82FjHaP"
    "JtRqU2WNY3Nk62oS/QvrD7WHTf1uDYpu4/hvhJflW4edrxEgDqOQdL2GTtifKJQriC3oR1"
    "SUoAWYPQSsntER3L3dkm6EQspPA/hIwjsqHjnnmz01XreQX9Na6HZpnCmxKWO8zcUMcqi8"
    "b4F7i+N04qOJdXqSRBuCOMrq41S5YDMCfKb4DPCCvnbrBCWLuCrTsxb0Nhoce0nHl5NQSW"
    "RHusIRAw/mhLCDT2lAb+NwK9am8G/xfBquFZcuPo2ZQ9bInDvtVdfZQ9HaGgUgivDrgliB"
    "Cy/2oY9lV3VleeUfZIXcWJLdn1IeyoPiv7z0Tqr6rsRjXlELYs7rFtDUYKXrnVXdV11TWW"
    "tXUceiQOlawZ9poCsRWYITeBPoMlmIWARpboGiC0hyNNC9SM1bDllEwHxIGEzWH2Qd0NGs"
    "ifyi62PLzQSb//g0Ix0du7d+/7/dX00xX122Xyyr84Zf6F0x9VhOYwCq+OpTonkOxbB42H"
    "D5KSIVwHU1t2TFKIHYfRLL8na8Q2oUpG4bNNqFITqmQE03eBaKlNcQPf5Chd45lstGeyPq"
    "RLHQ1Rkv0VuTP8jMiB0MJDfUv4LLQ9Hxl7i2Jn0XlVIHR+b84Avq6VIgsvtbBsKXhZumit"
    "+JvN0fVW+d9isfx+wVwlPMYQ3MwbkXCS3xsJcq8Wfg90klI2/pDCXO+51v/Kf58+vXt39l"
    "n+SypkhxEjza90f8QyuolVvVfmcYuReetIGdyUqG/ly94V2pcn+N9SbCgzmZcUdcg8vPPi"
    "9GPA2EiaY1Cus0SErJnPJebzkECJ72nq/pGT9yJGVb95fdUpMK+vOpnzGm6t+KXMbHgamC"
    "7SKsfn5HhZJa0fx6vfSZiUIdIKMuV5yAYUBvN3OR1uEBmNiPISQ9+Rr7NZWP190vVeDF5D"
    "BtuLzsuCGS12vrVDPZBeBuaRv7vHKc3e4FtjTlSBUuHNiPNIBXdEGzEO/vQEMIftYygq3P"
    "8FYYJu4J0YozN8QBhHI27bfH7mzUziPWacLaY8TTfKXw5Ruob3m817bzrFTqm4xAiJuXm+"
    "Njx+OxcXBbZ72Spzv1f3krKli6mdMruzM01FSI4419SIKKO/3CPdtioi0UZTMqQ4SDG19U"
    "LYSYapJuPQJkNxdHa9ppbIkxhm5SG32WqOUTZZ4kweZdkVtx83GuYEaTPOJo+zZXOx4WKO"
    "EDZjbPIYD71NEnsuqfYyugcorFCbwS1rZY7SGIxIGoOxA79mEyzKpfCOEhnM5dYcO6yNBl"
    "LVsiblFMldA7tDgoc2ZRvtXnHSozmgVI3Q4OXRgEASaQtm0UqZ7PpvbZIxWMfayEn2SOzV"
    "OZDpCZZGuj/H0YuSY34RIPhtdBlB99uog7SLYMEKXFUnunXIxtXQEqTHs/78kXjmB84g/S"
    "Fn4Nf59FYgZLUXI2wF8W5F3bUTZAYnPWiFRgQkLO4QdHn24jCLDVsWmW3goBIh28xksydG"
    "y4WEqYOC9wVL8mv8yup61y+uKqiNUKX5TAg6ZoSUi1FIUBk85/fsh2xGDhXTIOHqz2rti1"
    "+OtQmqZtI22f6fSrof0zaESvL9fJEi35cPb+9bqXtDBRyOFvk8rmlclL+JLbGpprCvagpp"
    "IlgFbC0aw3ikfE2Indtk/wpcCBPaR4nMJz873Ju99aMSarL/JvJXqUDz7bj0QXfySRdNq8"
    "/UjHGKe+6Af9uOUXdhHzVkEHkkWyev0tHA7x+LHchHs+JKhVZHF6eVIeaUL3vyIdJXDSdf"
    "wKqehjer5NiXsMea8G2j2H29JjMD+MMluy6Kv0fClutTWc1mhA3POLMXaEKFy50FJOLHSH"
    "cl31SV6vW97dr+n1pcGK6m9t++uyI5BAI7dOksAHn5vGuWCGAvWbyz0wWUt/40jpxHYNyp"
    "Y26CliAE+TutTUfEWkjGnqvd9m/+65eOYChSA6KTXQOis1IDQm7i3NH8K8H+OJXRgxBAKO"
    "i7nwRR/r8QLpluwv8dxAsqTpbL6RalMdiZZ0OXqV0VJ5AsK1tNJk5Vu3io6ivKjBw+7ZVP"
    "hZIgq+Gcrr68DN+AzzGihstFivh8S5E3c+oM+u1rsFXkSZe7KDIIEv8qq3OCKP32xxtBWc"
    "VQ7CRG0tf2S9mZYzS7coo4trx3OZbmZV7ELU1KhVPhG8bfojal2MQyKS+mMpGmgGqB6TQb"
    "TQtstEUSwk/4VCU6ue5cjbrei6vRy9M28kORdUFkjEIVR3uJDuSAqtwc1E0B0qroMTV5O+"
    "yFQ3iKbCBJnWDaOpxPmyztB82xGR2Ook7rEZL9+bhdGs3gaOVMXirlfdDeZKTEGKFbfnda"
    "fEU2d0MCk9nbwsKvk+G7TKG5Q6EEvT4LDq+7B/t3ObkvQdW4w64X/aIH5ZbC35tIV0fG5K"
    "LyX2KClZUAM83MW9d8q6mFeUd1394Rmz4Sp0a1L+MeRpblzfDWPjR3fjc1Ws+pzr9bsql+"
    "jr8p+EtTIi+n3KJNsdh2YwJF/RY6qutqa+oHVurS55AxFW5arYryDmpf/L7IsF6e9mUd1J"
    "ZrMANJCxdoPpzWw2G7AqDaA1kgjIAOUYEeGJ8zXfsQzaFoYXhKaRUNnVydd84vOxeXbfT1"
    "/PLi0s9L8SMSOiggAbBV2DtUXPSZMeRTyedz9bFgZur3T29kEylTYRvNwPdN3vlRPhge78"
    "65+lsgIbVmIt+jK3k7oGOPe6KNMNM1G0OYT74nFg9kiPAYHpKB8a34y8XCpeRzm9o5+8X1"
    "gOUrXM1xmiJ7zuu6NxCqejSkCQ+uUxRrHTnahLHuJ4w1BJkOF2Z5rHzNirM0wHKrdZoMoT"
    "NUeNYInVbYroDQGQhbzwRSdGBPlZIV1ZIbVNsOYA0l5En5TslpIMRZE2I9gM32ObnE8PNq"
    "0PVeDfBz+Gldnt6kSKG7fFyXBTXqtcG43w9r1mPZE4iTgrjLKuBCslg/FmTby+cgDut3mc"
    "lFQbTUKVy41mWBmtX2WyEbC+jLc9CQjuH9+Ei+ZhvJ3gcgaftZks6R1LyQw+dKGg4+/0cp"
    "+CJG5vrxqpy5lHXhSlteCj9DsUgLxn6pdLyQfTzyB/l2KGwmX7agcNwIwvsUhCPTb5W7+e"
    "EhCdKjSQ72JMNEwsF6pCnOgtmaT5LOYN/XltoSv6ufPagT8T0sCXR40/xIvo/npAGvmVtY"
    "lMTcrIdzh7Oxfxqp4hxoTB8JayMAWAryvuoEVSDnbJALe0l2NHtZy3c7809yNMcBHiWFFi"
    "WNFBuCOm11TQWLJzHMgeG4HB6SoGoye5kAMtWcoaEMNSiJia4SNuw1KWdi/VTFHGi0yY9W"
    "eX60yPqugLM1T5G2uhkW4DCPuIVtyd4SHmZHyuGEbFQ6Cd0q8lwkeWXg+lFwGEp4sJm1PR"
    "cdhbzMlenw/1aQ/q/k7QS7bzlzNQq/AuvHG7TzoP05sWRT+MSw7Vp4/1eAuQErWKA5dx6I"
    "g6aecBGWqgJBXOq2UNwZ4GOkXwTxGWF0iE5CFwzuaOQ5BcyvsvMuk7o2YNYArS/8srUKZr"
    "8bjahFsY1uLYt7UNRzIu9Iji+QJR/Hp8Q5E1ANwiJoqtMFii7znyhcatsIQ2cCnbxAc+pO"
    "KEPPX6EJwPUa7FdAvk/6I7oKGmE0pcxziUro1GVTwjxk2dR6aMtb/gvKD8DoH1+QsDA7XT"
    "qwMG86ACcqZE04eCr7z4o9SX6xfA4aeK4rJ63+7LkkQlC5FJ10W13vxfWQyJ+vL4YI3G+u"
    "CbmUPy8vRtoVp9s6PUdfJa9DZxw9Rfr9xhhgoDFAz/4y8PCSohrfmMOyd/fZVIQ3gFcbkL"
    "IFIuKEe6zqHQzAftGoCutAeGzJu00wwVXyo0GHnyQu6B9evbnkpaSU5zFNiYnMH/SsPpqR"
    "P4aR/8PjaRlRMsWDFTpjrW0Hw9hU/tKtllR6D82CMnlB6TEru5wSVM1iWrFPa5VrlaXZOZ"
    "siJMebtqn1n27rsit/0RolAj0kKFX659Z26p0kdGpsybXd6FZMHYdxqb0lDrUmrRTgzb/T"
    "zkPc8LLNOqQte2AbGMYsGOaROCK1VGeum15AUsMgpc6LFwWgGNkqO30z3EsktpWLqgSH/e"
    "Y15O7lxUURoOviIhvognvJKDDmppp7cmScJcn+ZZzDHJSVySwHPcz+/H9KFrG0"
)
