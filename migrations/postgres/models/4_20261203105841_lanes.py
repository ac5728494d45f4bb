from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "outbox_lane" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "platform" VARCHAR(16) NOT NULL,
    "chat_id" VARCHAR(191) NOT NULL,
    "holder" VARCHAR(64),
    "lease_until" TIMESTAMPTZ,
    "not_before" TIMESTAMPTZ,
    "recent" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_outbox_lane_platfor_290624" UNIQUE ("platform", "chat_id")
);
COMMENT ON COLUMN "outbox_lane"."holder" IS 'the worker sending now';
COMMENT ON COLUMN "outbox_lane"."not_before" IS 'the platform asked to wait until then';
COMMENT ON COLUMN "outbox_lane"."recent" IS 'epoch seconds of the last sends';
COMMENT ON TABLE "outbox_lane" IS 'One destination (a chat, a robot): which worker sends to it now (a short lease,';
        CREATE TABLE IF NOT EXISTS "platform_state" (
    "platform" VARCHAR(16) NOT NULL PRIMARY KEY,
    "failing_since" TIMESTAMPTZ,
    "last_error" TEXT,
    "retry_at" TIMESTAMPTZ,
    "slot_at" DOUBLE PRECISION,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "platform_state"."retry_at" IS 'the next try while it is failing';
COMMENT ON COLUMN "platform_state"."slot_at" IS 'epoch: the next free send slot';
COMMENT ON TABLE "platform_state" IS 'What every worker must agree on about one platform: whether it is failing (and';
        ALTER TABLE "outbox" ADD "progress" INT NOT NULL DEFAULT 0;
        ALTER TABLE "outbox" DROP COLUMN "locked_until";
        COMMENT ON COLUMN outbox."progress" IS 'parts of a multi-part send done';
        CREATE INDEX IF NOT EXISTS "idx_outbox_platfor_48b1bf" ON "outbox" ("platform", "chat_id", "status");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_outbox_platfor_48b1bf";
        ALTER TABLE "outbox" ADD "locked_until" TIMESTAMPTZ;
        ALTER TABLE "outbox" DROP COLUMN "progress";
        DROP TABLE IF EXISTS "platform_state";
        DROP TABLE IF EXISTS "outbox_lane";"""


MODELS_STATE = (
    "eJztXW1T20i2/itd+jJQZVJgAiHZW1sFhMwyA2EWyM7eHaacttS2dZG7PWoJxzuT/37Pab"
    "3LkpFs2chC+RBA6tOSnu4+fd77T20sDGbJN2euaRkmH2ofyJ8ap2MGv8zd6xCNTibRHbzg"
    "0L6lGvfjrfrSsanuwPUBtSSDSwaTum1OHFNwuMpdy8KLQoeG3mP9Sy43/3BZzxFD5oyYDT"
    "d++03TxXgMN5wZdq7e7vff4TeTG+wbk9gG/5w89gYms4zEN5gG0qjrPWc2UdcuufNJNcRX"
    "6Pd0YbljHjWezJyR4GFrkzt4dcg4s6nDsHvHdvGb8JX9zw8+03v9qIn3ijEagw2oazkxDP"
    "q96JrW632+ue/dXdz3eloJ1HTBEXF4Vam+foivsNc9ePvu7cnh8dsTaKJeM7zy7rv36AgY"
    "j1DB8/le+67uU4d6LRTGEajq5xys5yNqZ+MatE8hC6+cRjbAcRG0wYUI22iSbQLcMf3Wsx"
    "gfOiP487C7AMl/nd6e/+P0duewu4sPFLAmvMXy2b/TVbcQ7AjccLL3Ss3dNNnzs3gbsK5g"
    "IiNrGDxmzuMEX0ni/EnYzBzyn9lMwX0Jr0W5njWLfS55Hu9ry2D+Hkym4GrEr2w6Dbnq3B"
    "wDFODbmeMt/9O789OPF5oCvE/1xym1jV4O8tiLnEf9zCf79PMts6j6jFzAv0AXDcJawSa6"
    "IgZXAsj5W+PuOH2FcjpUn4TPxifNTc6M/T0xc/M3+MRieXaH165N2xa2JJSEhEQMCGzqcI"
    "EPzCEZmBYjO3IGy8og1CGwwmxnz53svtFSSK7cWYZU0QoQLyhA6DC9yggQQftqBIiXhXbN"
    "4kMrm4XgHuzvF0AXWuXCq+5liBBFtrhAIVpxm4trX1s2GrlbXXy+2kyaBuOrSgO3fjcFYP"
    "JX+1ahBNvZYLAaQndBFw2ExzH1R7bqFLpXnTRpna1TpPxITWt2xwAAVIsyxMpkg4WipYFN"
    "ezLe9ln58opKh3jjTgJKeMdxn9nElSAECg7iokFnZAdkxgnlM2g9Zv8VnGUImCv3toKECb"
    "2W2bD95o0ThU4K7NUnuTv1ye4zIqcFI4xTrIQ0HydpzSl55pR8WWid7OdHW7iTc+gmi/VE"
    "NxeynSE26+lBu2dZzikZMynhfYiJ3EDtyUQfgbbpjDyVkxuSDIQNNz1e8kGpqD5fwQd1CN"
    "6dYz+V9fzAbdjnZsCwArkq6LlDpABqm00s4F2CmA78TvURk6on2xyOnJAoj6X9pk1gF4X3"
    "GGMDfEHfEuQ/BP9qTfMvqVnHx6fojhKnaaIaeFxECzzOVwKP50z00cQvbMGISJoIcbfI7g"
    "2t8kHunqRRjvGUEkAnqRqI9fHbAlAfv81FGm8lgbaFVcpkFLTfHLhasEmXgFfRkL+I2hDT"
    "O+4L8Q3YcQGYHnXm4f4Id1ClyGEfCcoU8IZP+ib4ZQvn+AKo7y+vL+7uT69/UYKGlH9YCq"
    "/T+wu801VXZ6mrO+lhCTshv17e/4Pgn+Q/N58vFJxCOkNbPTFqd/8fDd+Juo7ocTHtUSOO"
    "SXA5uJRhjSjnvk3QrEvZ2DZBZ4Hr1gmNNSv6bau0+mwS36I+28TEKuuwXacGd8n7wuXGtb"
    "dfaxlqXKpFZ5EuZ3pte+NY42cVuosnZs9C1YuSQBAm0L0J9yQoTQ5MKIP0GVyHJhzmEIwK"
    "gcczMoLXYVzOW5Mq7PdZJeyRzVZTuc7M4WvRut53u4eH77r7h8cnR2/fvTs62Q+50vytRe"
    "zp7PJH5FCJHabVzWohY+F6KIGv37zO0Pr9kwmzI04S43OlMX9/UAT09wf5qOO97VSJtZJa"
    "RJ0UYsngw+ySKCeIWpyL4OywbxmS5T1czZHd/fYNQHeRGnbx7/uEBhZguHN9+u/dhBZ2df"
    "P5x6B5DPPzq5uzFNQTOrMEzZjQP93dfM7ZESOStB5s6g4o/JYp1+ac0f5n4HIdUSUY3+GY"
    "IKbhY/9e1jihbO50StwJKu2ESmIznYFwaBRj6QsGCqFbPFDpMekkdWDsID1QwdstYbtIkb"
    "bGi1obL0BfdtyMSIoFO0xIsS4GOKcqaInFsoVS6ohyw1pqNSUpK1hM9Yz3acRaYhi1XEaS"
    "CAmWWklbNJJrkSVshlsxrA14Az8UsLCanUHbhDFYNx+Dz2ZWGaBDghqj6wlnfijED5KIKS"
    "f6SJj6cup25aC/jH+hbjO7af6FmuG7un8B3oB8/nJ19VIOhp9E/9blWoZjwb/TWeRQ+D/R"
    "79l+owKRYVIfMcMFwYwAIdmRI3PgEJTVxBOzO+TB7e53j3e9cC6bcj+WawgyLCfSEn48l2"
    "/p842SqRCxqh/xwMf0kUkVCeZyIjDklWHj6Qgp4FebWmQq7EdmSzIwbQZN850SQSIJPqoN"
    "Amvzs+sh8lQfLaPmdwlwg/YNBLf67DXgW8tYmEKq1rhUO4W4JgHjN67TF9+ypAH/zkJpQE"
    "RtCggDgZdujzPXwU0UyIcC/fthMDZMLRd2cpOrTVnCG8EORLmknnGZqqjsDCGgqq4fUHB1"
    "GAaZ8yHzhAadqlQX0/kb+fq1L5w3hikn1AGxw/76laAjSS6QAFI7/m8xuyBn3xxYoA4bT/"
    "CnBk1zI8l9qt/bGIY2hqGuLLmNL980xOsIWXiETysDcdB+g27ewLNcyngFNOQv4kc/M8N0"
    "whSnl5/Zr9XfW4W0txa/rmsPM03lZ0JYjPLsIYmIUiPSB6p1DUV4ZbOon93cXCVQP7tM+y"
    "K+XJ9dwDpQQwCNTCexl9bbtZox5Scg6PkFJ7Zx8/TlzAycc0XEOMnmEn331ysormhdilmT"
    "UtL7HK6LlfMM8lZLr52WnnSkCuyuzAqKk9R2BYEoYTsSC4dRMgYCcw8vKMWWGIIX9e5VvL"
    "xUlYHSkQJJqho7U+sbLuBrpb3l8kxzyJswEuu2oLdpkK9iGwG+uoy8ECNro9vqPL5tGEob"
    "htKGoWjFHE9XlDMt1/mk7naed0D1rKDhs16oG84IXHJMrsrekR2qCgp1sAaQ6Atn9wOZjk"
    "x95Ad4+O4drzAQrHhsL0cCxGOLUeh/zhVVcf9YuIizKTOQysJIE0Uod6FDjj4pSSZUZ2QH"
    "fVqB7PWDxKS4PVUoyTLHprOrqhwpZxZ94LHXg5a+nCbJUKDTDP1jwjYwcgZE/+AtkVBVdu"
    "uQqYkpuerJqu9yNZHaAJi2CtJLb02tl6oBXqqRsIBJlQE5oqixMqpirGNbA0YwoKC5BOzV"
    "K6hqS+q53DEzYtsXay8p0laDqbMGw4XT8ypwlDZqJyi3ZpS1uPREqHwEeQtEsikFcUvNWQ"
    "wN4sUWYZMmAqYTZnlB873SEUU9nNL4vNJJyGwiQECXDEbWkMGBGmhZ9qT1lefBejzWKmN6"
    "GethkrK1HtZuSdYkVPQXn0HeYYSklqG0Jxt0FuntoZtAhm2fVd1/Rf2VqRpSvoQ0dmFNUo"
    "CXqULkfdRfUWsNekddWymkqDebEjo2LZSodiifC/ypuPsHLk3MHMGkEU9XV+kjsKs48AAT"
    "+4X56avxyF/QH0wG+CyMjIdtx1D9Av9RCSfWA8cV5+ncZOeeWWxoU3iFw/1Ihac+01I1cd"
    "DYsGoN9noojDWqxl6Vupivo/uTqKemT1lWPke8NSLYq2HmrY+73Jiuw8dtM2DCS5Vsiei2"
    "ZmVp4e6CO09oRo72q9en1+AOmzn8nyxBc1ZdjCY19AMkqs9wK+3lQ1qmwGCeIOVupcH+eP"
    "Pl7OqC/HJ7cX55d+krMuHoqpt4KQr4vL04vWp1ldeyvdVEVwnPPctQU+JnouVrKHa8VSG3"
    "oi2myWKUit50Zh+ijDO4LwUmlZNf2bnyx8G6DIR55MnOVGBHGdVz1/OIZz13oabmSq9eYu"
    "vCa1149fIvVZ+Ok57zS4Adp20i6OuoMNpc16k2BebKlFPBBrlI2YFGbLyMX28tyGNKs0Vn"
    "vbIlMtJ09a31qnG07WFwzVSZ4cKjQ2uBv/emZZCPKDaI+YhyWRZ3pCF/YUUedAAVdaOt4R"
    "DEZMZZxjTPd2uFBPXwai1VWhcAxjMWvLA0r8rBDkUXJ5qs8ez4sFZSPR1cyuwVZBWU1xwz"
    "yLfGhPNqtMc2HeL1DbMYj5H7zMpFzKfJ2qD5+RQ6xKccqjGKFtBnsxDCOZhhSC6biHAe72"
    "u7UC6ai5BesjnpCOkZXAG4X/xumolrbNGWzvBIp9RkJDef+YSffr5llpIe84FuWjrN93Xa"
    "qO9At2PGvXhkmdVY47c7iyzVUjXsOWHL50ux6ToIwkRRSOLRk/6MUCsqbOqFqyirhSkJF+"
    "SWgbJPdjyj8g8+NdybM1RX2vsDVxE3mIMymXyIIlwGzNFHxORP1DJRkvOO6x6Ytlw96uUl"
    "z8qqU6xLdXH7+fbscNYWjX4ICeps7qtt5AP7NjFBeC/r/E6SLen/3pSpNRG+u7ItY1l/d0"
    "0coXfKzJm1vQT2zwUbS9jk2R3l2sR4JI8JKzJlEwtipwHtgTkE7mwxsiNnIKsZmFIIDW1n"
    "z53szjs7K+hvhQ2g9Vy21be3q3ZI/c+q32J3sOMHT2TaUhbV2E0Rrsmk0tRqu9EATJly84"
    "oJ4+W8w3OEa4qWfUEhfR3eSCyJ/ZTBTxZWv4yINlj9MgB+a4tftubv1lpbC1NXZzlrbWta"
    "rKNp0QcrQ+2LYMzX+6LqSs8qfvkwFDkKIR5jGxxwgGcgJJbqUicftNraqtqaO+6Xq68RUd"
    "TXEqr9L/y7vv74ce8z/CtmG1q3dlH/evtbrLrVsbb4/LHNnE21LQW4LZSvbUxXGNH/+idW"
    "FJ3MEUUT0kTXXiJ/aDoKjHKzOU7WzucS89lgWGh8XPJM6iRV8+Z19acHgjg9sfBpPd2iWf"
    "XrF6RXzJM2D/E1cBKsFdIL/WdlmEmSst78RBsKpoqXSnfC7CdTClt2CBfoimOoxa7ufq3y"
    "nBnGpbmEYTNBV/MB4YIMhGWJ6Z47qRP2lAs+G4ssUXzxcojTtdgvN+/d8ZjapUKaYiT1ze"
    "haktt39/cLsHtolcvv1b20KONQ08qY3fk5RTGSLc4qGjAVjoGnE3RUgYkOGTPDpEEy0coL"
    "YS25RG1uyTJDsXW5JW2dkVcxzKCawCAstZoTlG0+YJ1HGboS1tNSw5wibce5zuOsW0IuuZ"
    "hjhO0Y13mMDXeZFO6IaiOju0l3btMGt6xTM07TPANj9SZdxGsyorJcsZY4UY1R1qbU5h3S"
    "B1VLH5VTJNdt2DUYNSyTL8W9kqRbs0Gp+qHBy5M+w3IhOs6iuRLazWdtAAz1AtVgkj2xjG"
    "NQcgOPskjreyTwfmDB75CDmHW/Q7rECzqzC67Hiksa2Gwi7OVU+hTp9qw/fyR+kF56K/E+"
    "ZA8jBV/fCsT6RXJA9SBYtODqS5PVOF5aC50IROrCZuRg7+hlFhvVdTZZIh4iRracy2ZDQM"
    "NCoqZNgvclOw/ue3qiP7jHR4cVVMGq0n0mpTnkLPsw7txJn6Kq8ZzfcNhrPdIv6mYSrn6v"
    "9qK7y0GbomonbVvX6bVkCtWNIVSSKnQLIt/t5fm9lskbKkA4Xs59u6ZxUXxTLLGtm7Wpul"
    "lZIlgFsIalN5qJa0rsXCFxUA9CCJdPG/zRFu7k3A+Cbwj/TcxLk/eFm2VsL4PSpdfJtVce"
    "tzlTM4GUcJ2++LYaUDdhHw0EiD0xXk2a7sVTsQ15a1bc+pN1PchyM3ZDRJ9L2+2xp8Kn1p"
    "xOJowbe4JbMzIypSPsGZZYosTrCt5U1cz3g6E6/p8eNzfmizat3l3FNZsW1WZpWCLwRiqy"
    "5KcLlzfHt5F1W2Btb2JusiYZIz5vtcwB02cA7BvFX382588FLhRSXqSeVze/nld3rp4XsG"
    "1he/iVgD9JVetBCHRa8pdf3w9+zqSz5JE41SdwKSTLFZuK09Q4umLZJLk1FZoCyMpWBkxS"
    "NS5BpfrqgANbeCetlyuFkCJr4JyuvlSgWALnBFGLcpGCjN8y5M0FNaP99g1gFYuky3UUjE"
    "aJfx7qBVltfvvtTWmrYijWkrTm6/elHH8JmnV5qbet7tUC119U+mxFG3/hcnU1w7eokT8x"
    "sRIm/vPTu/PTjxeLLPzrtKYpn1WGGS3wZeXbzwKnWQG7GRmJMcN4oePu4eDBPTocvNvtED"
    "831DvcgpJQxfHC9vowoKpYgulkmM6q6DHzLGfkhQY+BRoAqR1MW1uIcXuW84vW2IsPR9Eo"
    "4hjJ5oKODmoNcLwKuih1MHbQvs6WktoI3fDdWQHv+eiGBHWGV6PSP1LCj2HxDmiWxNsLXl"
    "53D/h3ObkvRdXGJz4v+sU3yhWFv7NYV1sGclH5LzXBykqA85FgK/qdmxcFlqH7tSW0N+eV"
    "906iOxfc8VSBOYUi2WChZuEfQ6HH2j6rY/wKFAQd5DP/0DwydkHmp0ObMSJAG8BCcQQPx/"
    "NehHiHXJCdUEkQtuda2f0wp25U2fkDB+0E9Q3cR2d+CSy1p94MBqZuUouc6rpwsUDQCO4A"
    "4jOiw+NA4bH3JGaW6Yz4J3PLB+4/UTqmZeGZgWIqyc4RmZrOyOTk7QkZ+cdAmTbBQ70D0r"
    "+Rw6ARJWOTuw5T0QcPfMy4S3QLZn8HbvkvCB9AyT9vidQpB02LckO9s1fFGlQufSTgvWRw"
    "5FT8SfDF8BzSdx0HpqT32VM8yhCrIIEOp4H+dmww+P/9vkEOCCh1jB3A/wf7Ay+Z9UHbfU"
    "PuAOuvX/3Z5E2Rr1/bo6tqqKiVP3hmxRNnagbv+h2B0u3jq/VLJ5slCduTZ4rnlLk8wm6Z"
    "Clnz5FuTUvsqY3n8zas3BSyBEvZjM0OdXzzoeX20I78NI/+HK7KcebniwRxdbesVvJjFUQ"
    "XbrrSksntoF1SdF5Q3ZmWXU4qqXUxzydieylUm3CBGsr0RB9qfD9rBA/ziaZQE9ZCg7NH3"
    "YlboTccitJVVG8vo5kzkL+PHP2W2qY+0DMObf6ezyOJGozbrPMKuNcNs0gzzxGyZWfYn3w"
    "4TI6mzF3JJU0z36KhI4sHRUX7mAd5LxWRPJmUQ9ps3EN2DQgcFHCw4KOBg/qAA9AFk1j1Y"
    "IONEJJuXcV5mo6xMZnnRzez7/wOZBlGY"
)
